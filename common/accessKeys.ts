/**
 * Seed section 8: no AccessKey in pod env. RRSA gives pods short-lived STS credentials,
 * so any env that looks like a long-lived key is refused at config time.
 */

const KEY_NAME =
    /(ACCESS_?KEY|SECRET_?KEY|ACCESSKEY|SECRET_ACCESS|^AK$|^SK$|_AK$|_SK$|^ALIBABA_CLOUD_(ACCESS|SECURITY)|^ALICLOUD_(ACCESS|SECRET))/i;
/** Alibaba Cloud AccessKey ids start with LTAI. */
const KEY_ID_VALUE = /\bLTAI[0-9A-Za-z]{12,30}\b/;

export function accessKeyProblem(name: string, value: string): string | undefined {
    if (KEY_NAME.test(name)) {
        return `looks like an access key variable; use RRSA (the team's RAM role) instead of AccessKeys in pod env`;
    }
    if (KEY_ID_VALUE.test(value)) {
        return `value looks like an Alibaba Cloud AccessKey id; use RRSA instead of AccessKeys in pod env`;
    }
    return undefined;
}
