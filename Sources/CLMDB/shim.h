#ifndef SCKB_CLMDB_SHIM_H
#define SCKB_CLMDB_SHIM_H
#include <lmdb.h>
#endif
