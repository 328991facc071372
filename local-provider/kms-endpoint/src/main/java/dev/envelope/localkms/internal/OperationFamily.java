package dev.envelope.localkms.internal;

import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.function.Supplier;
import java.util.regex.Pattern;
import com.google.gson.JsonObject;

/**
 * The base of the operation families ({@link KeyAdmin}, {@link PolicyOps}, {@link AliasOps},
 * {@link CryptoOps}, {@link GrantOps}): the shared {@link KmsContext}, key resolution and
 * authorization through {@link KeyResolver}, and the request limits several families check.
 */
abstract class OperationFamily {
  static final String SYMMETRIC_DEFAULT = "SYMMETRIC_DEFAULT";
  static final int MAX_KEY_ID = 2048;
  static final Pattern ALIAS_NAME = Pattern.compile("^[a-zA-Z0-9:/_-]+$");
  static final Pattern REGION = Pattern.compile("[a-z]{2}(-[a-z]+)+-[0-9]+");

  /** A request with {@code DryRun} true stops here, as KMS does, once every check passed. */
  static void dryRun(boolean dryRun) {
    if (dryRun) {
      throw new KmsException(
          "DryRunOperationException",
          "The request would have succeeded, but the DryRun option is set.",
          412);
    }
  }

  final KmsContext ctx;
  private final KeyResolver keys;

  OperationFamily(KmsContext ctx, KeyResolver keys) {
    this.ctx = ctx;
    this.keys = keys;
  }

  final RegionalKey resolve(Caller c, String identifier, boolean allowAlias) {
    return keys.resolve(c, identifier, allowAlias);
  }

  final Optional<RegionalKey> keyInRegion(String keyId, String region) {
    return keys.keyInRegion(keyId, region);
  }

  final void authorize(
      Caller c,
      RegionalKey k,
      String action,
      Map<String, String> context,
      Set<String> grantTokens,
      String algorithm) {
    keys.authorize(c, k, action, context, grantTokens, algorithm);
  }

  final void authorize(
      Caller c,
      RegionalKey k,
      String action,
      Map<String, String> context,
      Set<String> grantTokens,
      String algorithm,
      List<String> grantOperations) {
    keys.authorize(c, k, action, context, grantTokens, algorithm, grantOperations);
  }

  final String aliasNotFound(Caller c, String alias) {
    return keys.aliasNotFound(c, alias);
  }

  final <T> T backendCall(Caller c, String action, Supplier<T> call) {
    return ctx.backendCall(c, action, call);
  }

  final KeyPolicyDocument parsePolicy(String policy) {
    return ctx.parsePolicy(policy);
  }

  final JsonObject metadata(RegionalKey k) {
    return Responses.metadata(ctx.arns(), k);
  }
}
