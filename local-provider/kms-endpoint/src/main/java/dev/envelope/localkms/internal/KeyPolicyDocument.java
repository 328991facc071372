package dev.envelope.localkms.internal;

import com.google.gson.JsonArray;
import com.google.gson.JsonElement;
import com.google.gson.JsonObject;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * A KMS key policy (the IAM policy language, evaluated locally): explicit {@code Deny} wins over
 * {@code Allow}; without an applicable statement the answer is "no decision" and the caller falls
 * back to grants.
 *
 * <p>Supported: {@code Effect}; {@code Principal} ({@code "*"}, {@code {"AWS": ...}} with {@code
 * "*"}, an account id, the account root ARN, which stands for every principal of that account, or
 * an exact principal ARN); {@code Action}/{@code NotAction} with {@code *} and {@code ?} wildcards,
 * case-insensitive; {@code Resource}/{@code NotResource}; {@code Condition} with the String*,
 * {@code Bool} and {@code Null} operators, {@code IfExists}, {@code ForAllValues:}/{@code
 * ForAnyValue:}, over {@code kms:EncryptionContext:KEY}, {@code kms:EncryptionContextKeys}, {@code
 * kms:CallerAccount}, {@code kms:GrantOperations}, {@code kms:GrantIsForAWSResource}, {@code
 * kms:KeySpec}, {@code kms:KeyUsage}, {@code kms:KeyOrigin}, {@code kms:MultiRegion}, {@code
 * kms:EncryptionAlgorithm}, {@code aws:PrincipalArn} and {@code aws:PrincipalAccount}.
 *
 * <h2>Security guarantees</h2>
 *
 * Fails closed: a statement this evaluator cannot fully understand (an unknown condition operator,
 * {@code NotPrincipal}, a service principal) never allows anything, and a {@code Deny} statement
 * with such an element applies as if it matched.
 */
public final class KeyPolicyDocument {
  public static final int MAX_CHARS = 32 * 1024;
  private static final Pattern ACCOUNT_ID = Pattern.compile("[0-9]{12}");
  private static final Pattern IAM_ARN = Pattern.compile("arn:[a-z0-9-]+:iam::([0-9]{12}):.+");

  private final List<Statement> statements;

  private KeyPolicyDocument(List<Statement> statements) {
    this.statements = statements;
  }

  /** The policy a key gets when CreateKey names none (as in KMS). */
  public static String defaultPolicy(String accountRootArn) {
    return "{\n"
        + "  \"Version\" : \"2012-10-17\",\n"
        + "  \"Id\" : \"key-default-1\",\n"
        + "  \"Statement\" : [ {\n"
        + "    \"Sid\" : \"Enable IAM User Permissions\",\n"
        + "    \"Effect\" : \"Allow\",\n"
        + "    \"Principal\" : {\n"
        + "      \"AWS\" : \""
        + accountRootArn
        + "\"\n"
        + "    },\n"
        + "    \"Action\" : \"kms:*\",\n"
        + "    \"Resource\" : \"*\"\n"
        + "  } ]\n"
        + "}";
  }

  /**
   * Parses and validates a policy document.
   *
   * @throws KmsException {@code MalformedPolicyDocumentException} if it is not a policy
   */
  public static KeyPolicyDocument parse(String document) {
    if (document.length() > MAX_CHARS) {
      throw malformed("The key policy is larger than 32 KB.");
    }
    JsonObject root;
    try {
      root =
          Json.parseObject(document.getBytes(StandardCharsets.UTF_8), 4 * MAX_CHARS)
              .getAsJsonObject();
    } catch (KmsException e) {
      throw malformed("The key policy is not valid JSON.");
    }
    JsonElement st = root.get("Statement");
    if (st == null) {
      throw malformed("The key policy has no Statement.");
    }
    List<Statement> statements = new ArrayList<>();
    for (JsonElement e : st.isJsonArray() ? st.getAsJsonArray() : single(st)) {
      if (!e.isJsonObject()) {
        throw malformed("Each policy statement must be a JSON object.");
      }
      statements.add(Statement.parse(e.getAsJsonObject()));
    }
    if (statements.isEmpty()) {
      throw malformed("The key policy has no statements.");
    }
    return new KeyPolicyDocument(List.copyOf(statements));
  }

  /** The outcome of evaluating a policy for one request. */
  public enum Decision {
    ALLOW,
    DENY,
    NO_DECISION
  }

  /**
   * The facts of one request that statements are matched against.
   *
   * @param encryptionContext the request's encryption context, or null if the operation has none
   * @param grantOperations the operations of a grant being created, or null
   */
  public record Request(
      String principalArn,
      String callerAccount,
      String action,
      String resourceArn,
      Map<String, String> encryptionContext,
      List<String> grantOperations,
      boolean multiRegion,
      String encryptionAlgorithm) {}

  public Decision evaluate(Request request) {
    boolean allowed = false;
    for (Statement s : statements) {
      Match m = s.match(request);
      if (s.deny && m != Match.NO) {
        return Decision.DENY;
      }
      if (!s.deny && m == Match.YES) {
        allowed = true;
      }
    }
    return allowed ? Decision.ALLOW : Decision.NO_DECISION;
  }

  /**
   * Which of {@code actions} this policy denies to every caller whatever the request: those named
   * (by {@code Action}, or left out by {@code NotAction}) in a {@code Deny} statement whose
   * principal is everyone ({@code "*"} or {@code {"AWS": "*"}}), whose resource is {@code "*"} and
   * that has no condition. Grants cannot override such a statement, so a key store may enforce it
   * as well; any other statement depends on the request and is left to {@link #evaluate}.
   */
  public Set<String> deniedToEveryone(Collection<String> actions) {
    Set<String> denied = new java.util.TreeSet<>();
    for (Statement s : statements) {
      if (!s.deny || s.notPrincipal || s.condition != null || s.notResource
          || !s.resources.contains("*") || !isEveryone(s.principal)) {
        continue;
      }
      for (String action : actions) {
        boolean named = s.actions.stream().anyMatch(p -> glob(p, action, true));
        if (named != s.notAction) {
          denied.add(action);
        }
      }
    }
    return denied;
  }

  private static boolean isEveryone(JsonElement principal) {
    if (principal.isJsonPrimitive()) {
      return principal.getAsString().equals("*");
    }
    JsonObject o = principal.getAsJsonObject();
    JsonElement aws = o.get("AWS");
    return o.size() == 1 && aws != null && strings(aws, "Principal").contains("*");
  }

  private enum Match {
    YES,
    NO,
    UNKNOWN
  }

  private static final class Statement {
    final boolean deny;
    final JsonElement principal;
    final boolean notPrincipal;
    final List<String> actions;
    final boolean notAction;
    final List<String> resources;
    final boolean notResource;
    final JsonObject condition;

    private Statement(
        boolean deny,
        JsonElement principal,
        boolean notPrincipal,
        List<String> actions,
        boolean notAction,
        List<String> resources,
        boolean notResource,
        JsonObject condition) {
      this.deny = deny;
      this.principal = principal;
      this.notPrincipal = notPrincipal;
      this.actions = actions;
      this.notAction = notAction;
      this.resources = resources;
      this.notResource = notResource;
      this.condition = condition;
    }

    static Statement parse(JsonObject o) {
      String effect = string(o.get("Effect"), "Effect");
      if (!effect.equals("Allow") && !effect.equals("Deny")) {
        throw malformed("Effect must be Allow or Deny.");
      }
      boolean notPrincipal = o.has("NotPrincipal");
      JsonElement principal = notPrincipal ? o.get("NotPrincipal") : o.get("Principal");
      if (principal == null) {
        throw malformed("Policy contains a statement with no principal.");
      }
      validatePrincipal(principal);
      boolean notAction = o.has("NotAction");
      JsonElement actions = notAction ? o.get("NotAction") : o.get("Action");
      if (actions == null) {
        throw malformed("Policy contains a statement with no Action.");
      }
      boolean notResource = o.has("NotResource");
      JsonElement resources = notResource ? o.get("NotResource") : o.get("Resource");
      if (resources == null) {
        throw malformed("Policy contains a statement with no Resource.");
      }
      JsonElement condition = o.get("Condition");
      if (condition != null && !condition.isJsonObject()) {
        throw malformed("Condition must be a JSON object.");
      }
      return new Statement(
          effect.equals("Deny"),
          principal,
          notPrincipal,
          strings(actions, "Action"),
          notAction,
          strings(resources, "Resource"),
          notResource,
          condition == null ? null : condition.getAsJsonObject());
    }

    Match match(Request r) {
      Match principalMatch = notPrincipal ? Match.UNKNOWN : matchPrincipal(principal, r);
      if (principalMatch == Match.NO) {
        return Match.NO;
      }
      boolean action = actions.stream().anyMatch(p -> glob(p, r.action(), true));
      if (action == notAction) {
        return Match.NO;
      }
      boolean resource = resources.stream().anyMatch(p -> glob(p, r.resourceArn(), false));
      if (resource == notResource) {
        return Match.NO;
      }
      Match conditionMatch = condition == null ? Match.YES : Conditions.evaluate(condition, r);
      if (conditionMatch == Match.NO) {
        return Match.NO;
      }
      return principalMatch == Match.YES && conditionMatch == Match.YES ? Match.YES : Match.UNKNOWN;
    }

    private static Match matchPrincipal(JsonElement p, Request r) {
      if (p.isJsonPrimitive()) {
        return p.getAsString().equals("*") ? Match.YES : Match.NO;
      }
      for (Map.Entry<String, JsonElement> e : p.getAsJsonObject().entrySet()) {
        if (!e.getKey().equals("AWS")) {
          continue; // Service / Federated / CanonicalUser principals never sign requests here
        }
        for (String value : strings(e.getValue(), "Principal")) {
          if (principalMatches(value, r)) {
            return Match.YES;
          }
        }
      }
      return Match.NO;
    }

    private static boolean principalMatches(String value, Request r) {
      if (value.equals("*")) {
        return true;
      }
      if (ACCOUNT_ID.matcher(value).matches()) {
        return value.equals(r.callerAccount());
      }
      var m = IAM_ARN.matcher(value);
      if (m.matches() && value.endsWith(":root")) {
        return m.group(1).equals(r.callerAccount());
      }
      return value.equals(r.principalArn());
    }

    private static void validatePrincipal(JsonElement p) {
      if (p.isJsonPrimitive() && p.getAsJsonPrimitive().isString() && p.getAsString().equals("*")) {
        return;
      }
      if (!p.isJsonObject() || p.getAsJsonObject().size() == 0) {
        throw malformed("Policy contains a statement with one or more invalid principals.");
      }
      for (Map.Entry<String, JsonElement> e : p.getAsJsonObject().entrySet()) {
        for (String v : strings(e.getValue(), "Principal")) {
          if (e.getKey().equals("AWS")
              && !v.equals("*")
              && !ACCOUNT_ID.matcher(v).matches()
              && !IAM_ARN.matcher(v).matches()) {
            throw malformed("Policy contains a statement with one or more invalid principals.");
          }
        }
      }
    }
  }

  /** Condition operators over the request context. */
  private static final class Conditions {
    private static final Set<String> MULTI_VALUED =
        Set.of("kms:encryptioncontextkeys", "kms:grantoperations");

    static Match evaluate(JsonObject condition, Request r) {
      Match result = Match.YES;
      for (Map.Entry<String, JsonElement> op : condition.entrySet()) {
        if (!op.getValue().isJsonObject()) {
          return Match.UNKNOWN;
        }
        for (Map.Entry<String, JsonElement> kv : op.getValue().getAsJsonObject().entrySet()) {
          Match m = evaluateOne(op.getKey(), kv.getKey(), valuesOf(kv.getValue()), r);
          if (m == Match.NO) {
            return Match.NO;
          }
          if (m == Match.UNKNOWN) {
            result = Match.UNKNOWN;
          }
        }
      }
      return result;
    }

    private static List<String> valuesOf(JsonElement e) {
      List<String> out = new ArrayList<>();
      for (JsonElement v : e.isJsonArray() ? e.getAsJsonArray() : single(e)) {
        if (!v.isJsonPrimitive()) {
          return null;
        }
        out.add(v.getAsString());
      }
      return out;
    }

    private static Match evaluateOne(
        String operator, String key, List<String> policyValues, Request r) {
      if (policyValues == null) {
        return Match.UNKNOWN;
      }
      String op = operator;
      String set = null;
      if (op.startsWith("ForAllValues:")) {
        set = "all";
        op = op.substring("ForAllValues:".length());
      } else if (op.startsWith("ForAnyValue:")) {
        set = "any";
        op = op.substring("ForAnyValue:".length());
      }
      boolean ifExists = op.endsWith("IfExists");
      if (ifExists) {
        op = op.substring(0, op.length() - "IfExists".length());
      }
      List<String> requestValues = lookup(key, r);
      if (op.equals("Null")) {
        boolean absent = requestValues == null || requestValues.isEmpty();
        return policyValues.stream().anyMatch(v -> Boolean.parseBoolean(v) == absent)
            ? Match.YES
            : Match.NO;
      }
      boolean negated;
      java.util.function.BiPredicate<String, String> test;
      switch (op) {
        case "StringEquals" -> {
          negated = false;
          test = String::equals;
        }
        case "StringNotEquals" -> {
          negated = true;
          test = String::equals;
        }
        case "StringEqualsIgnoreCase" -> {
          negated = false;
          test = String::equalsIgnoreCase;
        }
        case "StringNotEqualsIgnoreCase" -> {
          negated = true;
          test = String::equalsIgnoreCase;
        }
        case "StringLike" -> {
          negated = false;
          test = (p, v) -> glob(p, v, false);
        }
        case "StringNotLike" -> {
          negated = true;
          test = (p, v) -> glob(p, v, false);
        }
        case "Bool" -> {
          negated = false;
          test = String::equalsIgnoreCase;
        }
        default -> {
          return Match.UNKNOWN;
        }
      }
      if (requestValues == null) {
        if (ifExists || "all".equals(set)) {
          return Match.YES;
        }
        return negated ? Match.YES : Match.NO;
      }
      if (set == null) {
        set = MULTI_VALUED.contains(key.toLowerCase(Locale.ROOT)) ? "any" : "all";
      }
      if (set.equals("all")) {
        for (String v : requestValues) {
          if (matchesAny(test, policyValues, v) == negated) {
            return Match.NO;
          }
        }
        return Match.YES;
      }
      for (String v : requestValues) {
        if (matchesAny(test, policyValues, v) != negated) {
          return Match.YES;
        }
      }
      return Match.NO;
    }

    private static boolean matchesAny(
        java.util.function.BiPredicate<String, String> test, List<String> patterns, String v) {
      return patterns.stream().anyMatch(p -> test.test(p, v));
    }

    /** The request's values for a condition key, or null if the request has none. */
    private static List<String> lookup(String key, Request r) {
      String k = key.toLowerCase(Locale.ROOT);
      String ecPrefix = "kms:encryptioncontext:";
      if (k.startsWith(ecPrefix)) {
        if (r.encryptionContext() == null) {
          return null;
        }
        String ctxKey = key.substring(ecPrefix.length());
        String value = r.encryptionContext().get(ctxKey);
        if (value == null) {
          for (Map.Entry<String, String> e : r.encryptionContext().entrySet()) {
            if (e.getKey().equalsIgnoreCase(ctxKey)) {
              value = e.getValue();
            }
          }
        }
        return value == null ? null : List.of(value);
      }
      return switch (k) {
        case "kms:encryptioncontextkeys" ->
            r.encryptionContext() == null || r.encryptionContext().isEmpty()
                ? null
                : List.copyOf(r.encryptionContext().keySet());
        case "kms:calleraccount", "aws:principalaccount" -> List.of(r.callerAccount());
        case "aws:principalarn" -> List.of(r.principalArn());
        case "kms:grantoperations" -> r.grantOperations();
        case "kms:grantisforawsresource" -> r.grantOperations() == null ? null : List.of("false");
        case "kms:keyspec" -> List.of("SYMMETRIC_DEFAULT");
        case "kms:keyusage" -> List.of("ENCRYPT_DECRYPT");
        case "kms:keyorigin" -> List.of("AWS_KMS");
        case "kms:multiregion" -> List.of(Boolean.toString(r.multiRegion()));
        case "kms:encryptionalgorithm" ->
            r.encryptionAlgorithm() == null ? null : List.of(r.encryptionAlgorithm());
        default -> null;
      };
    }
  }

  /** IAM wildcard match: {@code *} any run, {@code ?} one character. */
  static boolean glob(String pattern, String value, boolean ignoreCase) {
    String p = ignoreCase ? pattern.toLowerCase(Locale.ROOT) : pattern;
    String v = ignoreCase ? value.toLowerCase(Locale.ROOT) : value;
    int pi = 0;
    int vi = 0;
    int star = -1;
    int mark = 0;
    while (vi < v.length()) {
      if (pi < p.length() && (p.charAt(pi) == '?' || p.charAt(pi) == v.charAt(vi))) {
        pi++;
        vi++;
      } else if (pi < p.length() && p.charAt(pi) == '*') {
        star = pi++;
        mark = vi;
      } else if (star >= 0) {
        pi = star + 1;
        vi = ++mark;
      } else {
        return false;
      }
    }
    while (pi < p.length() && p.charAt(pi) == '*') {
      pi++;
    }
    return pi == p.length();
  }

  private static Collection<JsonElement> single(JsonElement e) {
    JsonArray a = new JsonArray();
    a.add(e);
    return a.asList();
  }

  private static List<String> strings(JsonElement e, String what) {
    List<String> out = new ArrayList<>();
    for (JsonElement v : e.isJsonArray() ? e.getAsJsonArray() : single(e)) {
      out.add(string(v, what));
    }
    if (out.isEmpty()) {
      throw malformed(what + " cannot be empty.");
    }
    return out;
  }

  private static String string(JsonElement e, String what) {
    if (e == null || !e.isJsonPrimitive() || !e.getAsJsonPrimitive().isString()) {
      throw malformed(what + " must be a string or a list of strings.");
    }
    return e.getAsString();
  }

  static KmsException malformed(String message) {
    return new KmsException("MalformedPolicyDocumentException", message);
  }
}
