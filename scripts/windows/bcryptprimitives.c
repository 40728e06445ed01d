/* A stand-in for Windows' bcryptprimitives.dll, which Wine 8 (Debian 12) lacks: Rust's
 * standard library fills its random numbers with ProcessPrng from it, so without it no
 * Rust program starts under that Wine. Built and installed only into the test prefix by
 * scripts/windows.sh; real Windows (10 and later) has its own. ProcessPrng takes its
 * bytes from RtlGenRandom (advapi32's SystemFunction036), Wine's system generator. */
#include <windows.h>

BOOLEAN WINAPI SystemFunction036(PVOID buffer, ULONG length);

BOOL WINAPI ProcessPrng(PBYTE data, SIZE_T length) {
    while (length > 0) {
        ULONG chunk = length > 0x10000000 ? 0x10000000 : (ULONG)length;
        if (!SystemFunction036(data, chunk)) return FALSE;
        data += chunk;
        length -= chunk;
    }
    return TRUE;
}
