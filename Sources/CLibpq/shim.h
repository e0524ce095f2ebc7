#ifndef TERN_CLIBPQ_SHIM_H
#define TERN_CLIBPQ_SHIM_H

#include <libpq-fe.h>

#endif
