// xxHash (libxxhash-dev): the checksum of the derived caches under data/ (WavesAnalysis/CacheChecksum.swift).
#include <xxhash.h>
