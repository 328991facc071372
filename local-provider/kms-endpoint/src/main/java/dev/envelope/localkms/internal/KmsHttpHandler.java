package dev.envelope.localkms.internal;

import com.google.gson.JsonObject;
import dev.envelope.localkms.KmsCredentials;
import dev.envelope.localkms.KmsOperation;
import java.nio.charset.StandardCharsets;
import java.net.URI;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.function.Function;

/**
 * The AWS JSON 1.1 protocol over {@link KmsHttpServer}: {@code POST /} with {@code X-Amz-Target:
 * TrentService.<Operation>} and a JSON body, answered with {@code application/x-amz-json-1.1};
 * errors carry {@code __type} and {@code message} and the status KMS uses. Each request's head is
 * checked (length, signature headers) before its body is read; then it is authenticated with
 * SigV4, counted, subjected to injected faults, and run by {@link KmsService}.
 */
public final class KmsHttpHandler {
  private static final System.Logger LOG = System.getLogger(KmsHttpHandler.class.getName());
  private static final String CONTENT_TYPE = "application/x-amz-json-1.1";
  private static final String TARGET_PREFIX = "TrentService.";
  /** The largest request body read. */
  public static final int MAX_BODY = 1024 * 1024;

  /** Real KMS operations this endpoint does not implement: UnsupportedOperationException. */
  private static final Set<String> NOT_IMPLEMENTED =
      Set.of(
          "ConnectCustomKeyStore",
          "CreateCustomKeyStore",
          "DeleteCustomKeyStore",
          "DeleteImportedKeyMaterial",
          "DeriveSharedSecret",
          "DescribeCustomKeyStores",
          "DisconnectCustomKeyStore",
          "GenerateDataKeyPair",
          "GenerateDataKeyPairWithoutPlaintext",
          "GenerateMac",
          "GetParametersForImport",
          "GetPublicKey",
          "ImportKeyMaterial",
          "ListKeyPolicies",
          "ListKeyRotations",
          "ListResourceTags",
          "ListRetirableGrants",
          "Sign",
          "TagResource",
          "UntagResource",
          "UpdateCustomKeyStore",
          "UpdatePrimaryRegion",
          "Verify",
          "VerifyMac");

  private final KmsService service;
  private final SigV4Verifier verifier;
  private final Arns arns;
  private final Function<KmsOperation, FaultDecision> onCall;
  private final Served served;

  /** Hears each authenticated call of a known operation once it is answered (or dropped). */
  @FunctionalInterface
  public interface Served {
    /**
     * @param keyId the key the request named, or null
     * @param httpStatus the status answered, 0 for a dropped connection
     * @param errorType the KMS error type answered, or null on success
     */
    void served(KmsOperation op, String keyId, String region, long durationNanos, int httpStatus,
        String errorType);
  }

  /**
   * @param onCall called once per authenticated call of a known operation (to count it) and returns
   *     the fault to inject, if any
   * @param served told how each such call ended, or null
   */
  public KmsHttpHandler(
      KmsService service,
      SigV4Verifier verifier,
      Arns arns,
      Function<KmsOperation, FaultDecision> onCall,
      Served served) {
    this.service = service;
    this.verifier = verifier;
    this.arns = arns;
    this.onCall = onCall;
    this.served = served;
  }

  /** What a call named, for {@link Served}: filled in as the request is parsed. */
  private static final class CallInfo {
    KmsOperation op;
    String keyId;
  }

  /** A response to send: the status, the JSON body, and whether the caller proved who it is. */
  public record Answer(int status, byte[] body, String requestId, boolean authenticated) {}

  /**
   * Checks what the head of a request decides, before its body is read: the declared length (at
   * most {@link #MAX_BODY}) and the signature headers ({@link SigV4Verifier#checkHeaders}).
   *
   * @throws KmsException the error to answer instead of reading the body
   */
  public void checkHeaders(Map<String, List<String>> headers, long contentLength) {
    if (contentLength > MAX_BODY) {
      throw new KmsException(
          "RequestEntityTooLargeException",
          "The request body is larger than " + MAX_BODY + " bytes.",
          413);
    }
    verifier.checkHeaders(headers);
  }

  /**
   * Answers one request whose head passed {@link #checkHeaders}. Header names are lower case.
   *
   * @return the answer, or null to drop the connection (an injected fault)
   */
  public Answer handle(String method, URI uri, Map<String, List<String>> headers, byte[] body) {
    String requestId = UUID.randomUUID().toString();
    SigV4Verifier.Identity identity;
    try {
      identity = verifier.verify(new SigV4Verifier.SignedRequest(method, uri, headers, body));
    } catch (KmsException e) {
      return new Answer(e.httpStatus(), errorBody(e), requestId, false);
    }
    long start = System.nanoTime();
    CallInfo call = new CallInfo();
    int status = 0;
    String errorType = null;
    try {
      JsonObject response = process(method, headers, body, identity, call);
      if (response == null) {
        errorType = "DroppedConnection";
        return null; // connection dropped on purpose
      }
      status = 200;
      return new Answer(200, response.toString().getBytes(StandardCharsets.UTF_8), requestId, true);
    } catch (KmsException e) {
      status = e.httpStatus();
      errorType = e.errorType();
      return new Answer(e.httpStatus(), errorBody(e), requestId, true);
    } catch (RuntimeException e) {
      LOG.log(System.Logger.Level.WARNING, "internal error in request " + requestId, e);
      KmsException internal = KmsException.internal("An internal error occurred; request " + requestId);
      status = 500;
      errorType = internal.errorType();
      return new Answer(500, errorBody(internal), requestId, true);
    } finally {
      if (served != null && call.op != null) {
        served.served(call.op, call.keyId, identity.region(), System.nanoTime() - start, status, errorType);
      }
    }
  }

  /** The key a request names, for {@link Served}: KeyId, else DestinationKeyId (ReEncrypt). */
  private static String keyId(Json request) {
    try {
      String id = request.string("KeyId");
      return id != null ? id : request.string("DestinationKeyId");
    } catch (KmsException notAString) {
      return null;
    }
  }

  private JsonObject process(
      String method, Map<String, List<String>> headers, byte[] body, SigV4Verifier.Identity identity,
      CallInfo call) {
    if (!method.equals("POST")) {
      throw new KmsException(
          "UnknownOperationException", "The KMS JSON protocol uses POST, not " + method);
    }
    List<String> targets = headers.get("x-amz-target");
    String target = targets == null || targets.isEmpty() ? "" : targets.get(0);
    if (!target.startsWith(TARGET_PREFIX)) {
      throw new KmsException("UnknownOperationException", null);
    }
    String name = target.substring(TARGET_PREFIX.length());
    KmsOperation op =
        KmsOperation.fromApiName(name)
            .orElseThrow(
                () ->
                    NOT_IMPLEMENTED.contains(name)
                        ? KmsException.unsupported(
                            name + " is not supported by this local KMS endpoint.")
                        : new KmsException("UnknownOperationException", null));

    call.op = op;
    FaultDecision fault = onCall.apply(op);
    if (!fault.latency().isZero()) {
      try {
        Thread.sleep(fault.latency().toMillis());
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        throw KmsException.internal("The endpoint is shutting down.");
      }
    }
    switch (fault.kind()) {
      case DROP_CONNECTION:
        return null; // close() without a response closes the TCP connection
      case INTERNAL_ERROR:
        throw KmsException.internal("Injected internal error.");
      case THROTTLE:
        throw new KmsException("ThrottlingException", "Rate exceeded");
      default:
        break;
    }
    KmsCredentials creds = identity.credentials();
    Caller caller =
        new Caller(
            creds.principalArn(arns.partition(), arns.account()),
            arns.account(),
            identity.region());
    Json request = Json.request(body);
    call.keyId = keyId(request);
    return service.handle(op, caller, request);
  }

  /** The JSON error body of the protocol: {@code __type} and {@code message}. */
  static byte[] errorBody(KmsException e) {
    JsonObject o = new JsonObject();
    o.addProperty("__type", e.errorType());
    if (e.getMessage() != null) {
      o.addProperty("message", e.getMessage());
    }
    return o.toString().getBytes(StandardCharsets.UTF_8);
  }
}
