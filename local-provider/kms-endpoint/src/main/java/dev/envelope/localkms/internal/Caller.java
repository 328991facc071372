package dev.envelope.localkms.internal;

/** Who is calling, from which Region (the one their signature was scoped to). */
public record Caller(String principalArn, String account, String region) {}
