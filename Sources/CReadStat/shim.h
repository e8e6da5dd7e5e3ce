#ifndef WAVES_CREADSTAT_SHIM_H
#define WAVES_CREADSTAT_SHIM_H
#include <readstat.h>
#endif
