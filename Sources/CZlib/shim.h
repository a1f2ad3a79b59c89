/* zlib (Debian's zlib1g-dev): raw inflate for NPZ members and PNG image data. */
#include <zlib.h>
