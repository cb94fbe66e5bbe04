# Reference ordinary kriging with R gstat (called by run_references.sh).
#   Rscript krige.R <samples.csv> <out_dir> xmin ymin xmax ymax nx ny
# Kriges ln(value) (ordinary kriging, constant unknown mean, nmax = 16 nearest
# samples) at the centres of an nx x ny north-up grid, with a spherical
# variogram fitted by gstat::fit.variogram (default weights, fit.method = 7)
# to the default empirical variogram. Writes, in out_dir:
#   gstat_krige_logpred.tif  ln-scale prediction (Float64, EPSG:4547)
#   gstat_krige_logvar.tif   kriging variance (ln scale)
#   gstat_variogram_fit.csv  fitted model (nugget + Sph rows, as gstat prints it)
#   gstat_variogram_emp.csv  empirical variogram (np, dist, gamma)
#   gstat_times.csv          seconds for the variogram step and the krige() call
suppressPackageStartupMessages({library(sp); library(gstat); library(terra)})
a <- commandArgs(trailingOnly = TRUE)
csv <- a[1]; out <- a[2]
xmin <- as.numeric(a[3]); ymin <- as.numeric(a[4]); xmax <- as.numeric(a[5]); ymax <- as.numeric(a[6])
nx <- as.integer(a[7]); ny <- as.integer(a[8])
d <- read.csv(csv)
coordinates(d) <- ~x + y
t_vg <- system.time({
  v <- variogram(log(value) ~ 1, d)
  s <- var(log(d$value))
  fit <- fit.variogram(v, vgm(psill = 0.8 * s, model = "Sph", range = max(v$dist) / 2, nugget = 0.2 * s))
})[["elapsed"]]
print(fit)
cx <- (xmax - xmin) / nx; cy <- (ymax - ymin) / ny
gx <- xmin + cx * (seq_len(nx) - 0.5)
gy <- ymax - cy * (seq_len(ny) - 0.5)
g <- expand.grid(x = gx, y = gy)          # x fastest, rows from the north: row-major, north-up
coordinates(g) <- ~x + y
t_kr <- system.time({
  k <- krige(log(value) ~ 1, d, g, model = fit, nmax = 16, debug.level = 0)
})[["elapsed"]]
r <- rast(ncols = nx, nrows = ny, xmin = xmin, xmax = xmax, ymin = ymin, ymax = ymax, crs = "EPSG:4547")
values(r) <- k$var1.pred
writeRaster(r, file.path(out, "gstat_krige_logpred.tif"), overwrite = TRUE, datatype = "FLT8S")
values(r) <- k$var1.var
writeRaster(r, file.path(out, "gstat_krige_logvar.tif"), overwrite = TRUE, datatype = "FLT8S")
write.csv(as.data.frame(fit)[, c("model", "psill", "range")], file.path(out, "gstat_variogram_fit.csv"), row.names = FALSE)
write.csv(as.data.frame(v)[, c("np", "dist", "gamma")], file.path(out, "gstat_variogram_emp.csv"), row.names = FALSE)
write.csv(data.frame(step = c("variogram_fit", "krige"), seconds = c(t_vg, t_kr)),
          file.path(out, "gstat_times.csv"), row.names = FALSE)
cat(sprintf("variogram+fit %.2f s, krige %.2f s\n", t_vg, t_kr))
