#include <stddef.h>
#include <stdint.h>

/// libFuzzer's driver (compiler-rt): parses the command line and calls `callback` with each
/// input. It comes with `-sanitize=fuzzer`; each target's own `main` calls it.
int LLVMFuzzerRunDriver(int *argc, char ***argv, int (*callback)(const uint8_t *data, size_t size));
