// The declaration in CLibFuzzer.h is all this module offers; libFuzzer itself comes with -sanitize=fuzzer.
#include "CLibFuzzer.h"
