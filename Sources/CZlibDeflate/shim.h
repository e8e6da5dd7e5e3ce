#ifndef WAVES_CZLIBDEFLATE_SHIM_H
#define WAVES_CZLIBDEFLATE_SHIM_H
#include <zlib.h>
#endif
