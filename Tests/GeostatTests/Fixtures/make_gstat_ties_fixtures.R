# gstat references for neighbour-selection ties in local kriging (krige with nmax).
# Run from this folder:  Rscript make_gstat_ties_fixtures.R
# Writes gstat_ties_samples.csv (400 samples on a 100 m grid; x_jit/y_jit are the same points moved
# by up to 2e-7 m, so squared distances that tie exactly on the grid differ in double precision but
# still round to the same C float, which is what gstat compares) and gstat_ties_reference.csv
# (targets on a 50 m lattice offset by 25 m: predictions and variances with nmax = 20 for the grid,
# the jittered grid, and the grid with its rows in reverse order) and gstat_ties_loocv.csv
# (krige.cv leave-one-out on the grid).
suppressPackageStartupMessages({ library(gstat); library(sp) })
set.seed(1)
g <- expand.grid(x = seq(0, 1900, by = 100), y = seq(0, 1900, by = 100))
g$z <- round(10 + cumsum(rnorm(nrow(g))), 3)
g$x_jit <- g$x + round(runif(nrow(g), -2e-7, 2e-7), 9)
g$y_jit <- g$y + round(runif(nrow(g), -2e-7, 2e-7), 9)
write.csv(data.frame(id = sprintf("P%03d", seq_len(nrow(g))), x = g$x, y = g$y, x_jit = sprintf("%.9f", g$x_jit),
                     y_jit = sprintf("%.9f", g$y_jit), z = sprintf("%.3f", g$z)),
          "gstat_ties_samples.csv", row.names = FALSE, quote = FALSE)
tx <- expand.grid(x = seq(25, 1875, by = 50), y = seq(25, 1875, by = 50))
t <- tx; coordinates(t) <- ~x+y
m <- vgm(psill = 5, "Exp", range = 400, nugget = 0.5)
s <- g; coordinates(s) <- ~x+y
k <- krige(z~1, s, t, model = m, nmax = 20, debug.level = 0)
sj <- data.frame(x = as.numeric(sprintf("%.9f", g$x_jit)), y = as.numeric(sprintf("%.9f", g$y_jit)), z = g$z); coordinates(sj) <- ~x+y
kj <- krige(z~1, sj, t, model = m, nmax = 20, debug.level = 0)
sr <- g[rev(seq_len(nrow(g))), c("x", "y", "z")]; coordinates(sr) <- ~x+y
kr <- krige(z~1, sr, t, model = m, nmax = 20, debug.level = 0)
out <- data.frame(x = tx$x, y = tx$y, pred = sprintf("%.15g", k$var1.pred), var = sprintf("%.15g", k$var1.var),
                  pred_jit = sprintf("%.15g", kj$var1.pred), var_jit = sprintf("%.15g", kj$var1.var),
                  pred_rev = sprintf("%.15g", kr$var1.pred), var_rev = sprintf("%.15g", kr$var1.var))
write.csv(out, "gstat_ties_reference.csv", row.names = FALSE, quote = FALSE)
# Leave-one-out at the samples themselves (krige.cv, nmax = 20): the held-out sample's neighbours tie too.
cv <- krige.cv(z~1, s, m, nmax = 20, debug.level = 0)
write.csv(data.frame(id = sprintf("P%03d", seq_len(nrow(g))), pred = sprintf("%.15g", cv$var1.pred), var = sprintf("%.15g", cv$var1.var)),
          "gstat_ties_loocv.csv", row.names = FALSE, quote = FALSE)
d <- abs(k$var1.pred - kr$var1.pred)
cat(sprintf("targets %d; gstat itself, rows reversed: %d predictions change, by up to %.4g (%.3g relative)\n",
            nrow(tx), sum(d > 1e-9), max(d), max(d / abs(k$var1.pred))))
d <- abs(k$var1.pred - kj$var1.pred)
cat(sprintf("gstat, grid vs jittered grid (<= 2e-7 m): %d predictions change by > 1e-6, up to %.4g\n", sum(d > 1e-6), max(d)))
cat("R", R.version.string, " gstat", as.character(packageVersion("gstat")), "\n")
