#ifndef TERN_CZLIB_SHIM_H
#define TERN_CZLIB_SHIM_H

#include <zlib.h>

/* deflateInit2 is a macro (it passes the library version and the stream's size), which
   Swift cannot call: this wrapper is the one place it is expanded. windowBits 15 + 16 asks
   for the gzip wrapper (RFC 1952) instead of zlib's. */
static inline int tern_deflate_init_gzip(z_stream *stream, int level) {
    return deflateInit2(stream, level, Z_DEFLATED, 15 + 16, 8, Z_DEFAULT_STRATEGY);
}

/* inflateInit2, likewise; windowBits 15 + 16 reads the gzip wrapper. */
static inline int tern_inflate_init_gzip(z_stream *stream) {
    return inflateInit2(stream, 15 + 16);
}

#endif
