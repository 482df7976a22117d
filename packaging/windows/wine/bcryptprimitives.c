/* Stand-in for Windows' bcryptprimitives.dll (Windows 8 and later), which Wine 8.0 lacks. Rust's
 * standard library takes its random numbers from ProcessPrng there (fastcrc, cryptography); here
 * they come from RtlGenRandom, the same system generator. The CI's Wine prefix only: the app
 * never ships it (Windows has the real one). */
#include <windows.h>
#include <ntsecapi.h>

__declspec(dllexport) BOOL WINAPI ProcessPrng(PBYTE data, SIZE_T size)
{
    while (size > 0) {
        ULONG chunk = size > 0x10000000 ? 0x10000000 : (ULONG)size;
        if (!RtlGenRandom(data, chunk))
            return FALSE;
        data += chunk;
        size -= chunk;
    }
    return TRUE;
}
