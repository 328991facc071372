package dev.envelope.localkms.internal;

import com.google.gson.JsonObject;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpHandler;
import dev.envelope.localkms.KmsCredentials;
import dev.envelope.localkms.KmsOperation;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.function.Function;

/**
 * The AWS JSON 1.1 protocol over the JDK's HTTP server: {@code POST /} with {@code X-Amz-Target:
 * TrentService.<Operation>} and a JSON body, answered with {@code application/x-amz-json-1.1};
 * errors carry {@code __type} and {@code message} and the status KMS uses. Each request is read
 * (bounded), authenticated with SigV4, counted, subjected to injected faults, then run by {@link
 * KmsService}.
 */
public final class KmsHttpHandler implements HttpHandler {
  private static final System.Logger LOG = System.getLogger(KmsHttpHandler.class.getName());
  private static final String CONTENT_TYPE = "application/x-amz-json-1.1";
  private static final String TARGET_PREFIX = "TrentService.";
  private static final int MAX_BODY = 1024 * 1024;

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

  /**
   * @param onCall called once per authenticated call of a known operation (to count it) and returns
   *     the fault to inject, if any
   */
  public KmsHttpHandler(
      KmsService service,
      SigV4Verifier verifier,
      Arns arns,
      Function<KmsOperation, FaultDecision> onCall) {
    this.service = service;
    this.verifier = verifier;
    this.arns = arns;
    this.onCall = onCall;
  }

  @Override
  public void handle(HttpExchange exchange) throws IOException {
    String requestId = UUID.randomUUID().toString();
    try {
      JsonObject response = process(exchange);
      if (response == null) {
        return; // connection dropped on purpose
      }
      send(exchange, 200, response.toString(), requestId);
    } catch (KmsException e) {
      send(exchange, e.httpStatus(), errorBody(e), requestId);
    } catch (IOException e) {
      throw e;
    } catch (RuntimeException e) {
      LOG.log(System.Logger.Level.WARNING, "internal error in request " + requestId, e);
      send(
          exchange,
          500,
          errorBody(KmsException.internal("An internal error occurred; request " + requestId)),
          requestId);
    } finally {
      exchange.close();
    }
  }

  private JsonObject process(HttpExchange exchange) throws IOException {
    byte[] body = readBody(exchange);
    Map<String, List<String>> headers = new LinkedHashMap<>();
    exchange
        .getRequestHeaders()
        .forEach(
            (name, values) ->
                headers
                    .computeIfAbsent(name.toLowerCase(Locale.ROOT), n -> new ArrayList<>())
                    .addAll(values));
    SigV4Verifier.Identity identity =
        verifier.verify(
            new SigV4Verifier.SignedRequest(
                exchange.getRequestMethod(), exchange.getRequestURI(), headers, body));
    if (!exchange.getRequestMethod().equals("POST")) {
      throw new KmsException(
          "UnknownOperationException",
          "The KMS JSON protocol uses POST, not " + exchange.getRequestMethod());
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
    return service.handle(op, caller, Json.request(body));
  }

  private static byte[] readBody(HttpExchange exchange) throws IOException {
    try (InputStream in = exchange.getRequestBody()) {
      byte[] body = in.readNBytes(MAX_BODY + 1);
      if (body.length > MAX_BODY) {
        throw new KmsException(
            "RequestEntityTooLargeException",
            "The request body is larger than " + MAX_BODY + " bytes.",
            413);
      }
      return body;
    }
  }

  private static String errorBody(KmsException e) {
    JsonObject o = new JsonObject();
    o.addProperty("__type", e.errorType());
    if (e.getMessage() != null) {
      o.addProperty("message", e.getMessage());
    }
    return o.toString();
  }

  private static void send(HttpExchange exchange, int status, String body, String requestId)
      throws IOException {
    byte[] bytes = body.getBytes(StandardCharsets.UTF_8);
    exchange.getResponseHeaders().set("Content-Type", CONTENT_TYPE);
    exchange.getResponseHeaders().set("x-amzn-RequestId", requestId);
    exchange.sendResponseHeaders(status, bytes.length);
    try (OutputStream out = exchange.getResponseBody()) {
      out.write(bytes);
    }
  }
}
