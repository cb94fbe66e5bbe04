// `Zonal`: see the module's files for its API.
