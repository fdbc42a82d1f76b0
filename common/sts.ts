/** The audience of an RRSA token: Alibaba Cloud STS. A projected token for any other audience is not an RRSA token. */
export const STS_AUDIENCE = "sts.aliyuncs.com";
