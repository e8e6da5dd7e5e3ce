#ifndef WAVES_CFORMAT_SHIM_H
#define WAVES_CFORMAT_SHIM_H
#include <stdio.h>

/* C's "%.*f" for one double, without Swift's variadic boxing: a call from Swift through
   `withVaList` boxed each argument as a `CVarArg` existential and spent most of its time in
   dynamic casts (NumberText.fixed was a third of `waves score`'s table at 100,000 participants).
   The formatting itself is the C library's, unchanged. */
static inline int waves_format_fixed(char *buffer, size_t size, int decimals, double value) {
    return snprintf(buffer, size, "%.*f", decimals, value);
}

#endif
