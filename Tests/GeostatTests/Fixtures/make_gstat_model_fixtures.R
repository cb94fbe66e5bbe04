# Regenerates gstat_model_lines.csv and besselK.csv (used by VariogramModelTests.swift).
# Run from this folder: Rscript make_gstat_model_fixtures.R   (made with R 4.2.2, gstat 2.1-0)
suppressPackageStartupMessages(library(gstat))
options(digits = 17)
d <- c(0, 1e-6, 0.5, 10, 55.5, 150, 299.9, 300, 450, 900, 2000)
models <- list(
  list(name = "Sph", m = vgm(1.3, "Sph", 300, 0.2)),
  list(name = "Exp", m = vgm(1.3, "Exp", 300, 0.2)),
  list(name = "Gau", m = vgm(1.3, "Gau", 300, 0.2)),
  list(name = "Mat0.3", m = vgm(1.3, "Mat", 300, 0.2, kappa = 0.3)),
  list(name = "Mat0.5", m = vgm(1.3, "Mat", 300, 0.2, kappa = 0.5)),
  list(name = "Mat1.5", m = vgm(1.3, "Mat", 300, 0.2, kappa = 1.5)),
  list(name = "Mat2.7", m = vgm(1.3, "Mat", 300, 0.2, kappa = 2.7)),
  list(name = "Mat10", m = vgm(1.3, "Mat", 300, 0.2, kappa = 10)))
out <- do.call(rbind, lapply(models, function(e) {
  g <- variogramLine(e$m, dist_vector = d)
  data.frame(model = e$name, dist = g$dist, gamma = g$gamma)
}))
write.csv(format(out, digits = 17), "gstat_model_lines.csv", row.names = FALSE, quote = FALSE)
grid <- expand.grid(x = c(1e-3, 0.1, 0.5, 1, 1.9, 2, 2.1, 5, 20, 60), nu = c(0, 0.3, 0.5, 1, 1.5, 2.7, 10))
grid$k <- besselK(grid$x, grid$nu)
write.csv(format(grid, digits = 17), "besselK.csv", row.names = FALSE, quote = FALSE)
