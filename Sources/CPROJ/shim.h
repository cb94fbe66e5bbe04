#ifndef SOILMAP_CPROJ_SHIM_H
#define SOILMAP_CPROJ_SHIM_H
#include <proj.h>
#include <geodesic.h>
#endif
