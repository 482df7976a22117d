/* Stand-in for Windows' own ICU library (icuuc.dll, in Windows 10 since 1703), which Wine 8.0
 * lacks. Qt 6 Core imports ICU's converters for legacy text codecs; here none opens, so Qt
 * reports those codecs unavailable and everything else runs. The CI's Wine prefix only: the
 * app never ships it (Windows has the real one). */
typedef int UErrorCode;
enum { U_FILE_ACCESS_ERROR = 4 };

#define EXPORT __declspec(dllexport)

EXPORT void *ucnv_open(const char *name, UErrorCode *error)
{
    (void)name;
    if (error)
        *error = U_FILE_ACCESS_ERROR;
    return 0;
}

EXPORT int ucnv_countAvailable(void) { return 0; }
EXPORT const char *ucnv_getAvailableName(int index) { (void)index; return 0; }

EXPORT const char *ucnv_getStandardName(const char *name, const char *standard, UErrorCode *error)
{
    (void)name;
    (void)standard;
    if (error)
        *error = U_FILE_ACCESS_ERROR;
    return 0;
}

/* The rest take a converter, which ucnv_open never hands out. */
#define NEVER_CALLED(name) \
    EXPORT void name(void) {}
NEVER_CALLED(ucnv_close)
NEVER_CALLED(ucnv_reset)
NEVER_CALLED(ucnv_getMaxCharSize)
NEVER_CALLED(ucnv_getName)
NEVER_CALLED(ucnv_getToUCallBack)
NEVER_CALLED(ucnv_getFromUCallBack)
NEVER_CALLED(ucnv_setToUCallBack)
NEVER_CALLED(ucnv_setFromUCallBack)
NEVER_CALLED(ucnv_cbToUWriteUChars)
NEVER_CALLED(ucnv_cbFromUWriteUChars)
NEVER_CALLED(ucnv_toUnicode)
NEVER_CALLED(ucnv_fromUnicode)
NEVER_CALLED(ucnv_toUCountPending)
NEVER_CALLED(ucnv_fromUCountPending)
NEVER_CALLED(UCNV_FROM_U_CALLBACK_SUBSTITUTE)
NEVER_CALLED(UCNV_TO_U_CALLBACK_SUBSTITUTE)
