// libunwind, local unwinding only (the cheap `unw_backtrace` path).
#define UNW_LOCAL_ONLY
#include <libunwind.h>
