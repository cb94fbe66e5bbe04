# Area references for `soilmap areas` beyond the NAD27 shapefile: sf's own nc.gpkg, the same
# counties on another ellipsoid and in a projected CRS, and polygons with holes and several parts.
# Run from this folder:  Rscript make_nc_variants.R   (sf 1.0-9, lwgeom 0.2.11, GDAL 3.6.2, PROJ 9.1.1)
# Writes nc_variants.gpkg (layers nad27, wgs84, stateplane, holes) and nc_variants_areas.csv with,
# per layer and feature: the ellipsoidal area sf reports with s2 off (lwgeom::st_geod_area, on the
# ellipsoid of the layer's own geographic CRS; for the projected layer, of the layer transformed to
# its base geographic CRS NAD83), and for the projected layer also its planar area.
suppressPackageStartupMessages(library(sf))
sf_use_s2(FALSE)
nc <- st_read(system.file("gpkg/nc.gpkg", package = "sf"), quiet = TRUE)
nc <- nc[, c("NAME", "FIPS")]
if (file.exists("nc_variants.gpkg")) file.remove("nc_variants.gpkg")
layers <- list(nad27 = nc, wgs84 = st_transform(nc, 4326), stateplane = st_transform(nc, 32119))
# Holes and parts, on CGCS2000 (EPSG:4490) near 112.9 E 35.8 N: a square with a hole; two parts, one
# with two holes; a zone made of two features; a hole touching nothing near the outer ring.
sq <- function(x0, y0, s) matrix(c(x0, y0, x0 + s, y0, x0 + s, y0 + s, x0, y0 + s, x0, y0), ncol = 2, byrow = TRUE)
holes <- st_sf(NAME = c("one hole", "two parts", "split zone", "split zone", "thin ring"),
  geometry = st_sfc(
    st_multipolygon(list(list(sq(112.80, 35.70, 0.05), sq(112.81, 35.71, 0.02)))),
    st_multipolygon(list(list(sq(112.90, 35.70, 0.04)),
                         list(sq(112.95, 35.70, 0.06), sq(112.96, 35.71, 0.01), sq(112.98, 35.73, 0.015)))),
    st_multipolygon(list(list(sq(112.80, 35.80, 0.03)))),
    st_multipolygon(list(list(sq(112.83, 35.80, 0.03), sq(112.84, 35.81, 0.005)))),
    st_multipolygon(list(list(sq(112.90, 35.80, 0.05), sq(112.9005, 35.8005, 0.049)))),
    crs = 4490))
layers$holes <- holes
rows <- list()
for (nm in names(layers)) {
  x <- layers[[nm]]
  st_write(x, "nc_variants.gpkg", layer = nm, quiet = TRUE)
  geo <- if (st_is_longlat(x)) x else st_transform(x, 4269)  # NAD83, the base of EPSG:32119
  ell <- as.numeric(st_area(geo))
  pl <- if (st_is_longlat(x)) rep(NA, nrow(x)) else as.numeric(st_area(x))
  rows[[nm]] <- data.frame(layer = nm, NAME = x$NAME, area_geodesic_m2 = sprintf("%.17g", ell),
                           area_planar_m2 = ifelse(is.na(pl), "", sprintf("%.17g", pl)))
}
out <- do.call(rbind, rows)
write.csv(out, "nc_variants_areas.csv", row.names = FALSE, quote = FALSE)
a27 <- as.numeric(st_area(layers$nad27)); a84 <- as.numeric(st_area(layers$wgs84))
cat(sprintf("NAD27 (Clarke 1866) vs WGS 84 copy: areas differ by %.3g to %.3g relative\n", min(abs(a84 / a27 - 1)), max(abs(a84 / a27 - 1))))
print(sf_extSoftVersion())
