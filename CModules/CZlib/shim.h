#include <zlib.h>

// inflateInit2 is a macro (it passes ZLIB_VERSION and the stream's size), which Swift cannot import.
static inline int bundle_inflate_init_raw(z_streamp stream) { return inflateInit2(stream, -15); }
