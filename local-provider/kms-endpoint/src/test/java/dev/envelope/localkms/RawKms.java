package dev.envelope.localkms;

import dev.envelope.localkms.junit.LocalKms;

import com.google.gson.JsonObject;
import com.google.gson.JsonParser;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Consumer;
import software.amazon.awssdk.http.ContentStreamProvider;
import software.amazon.awssdk.http.HttpExecuteRequest;
import software.amazon.awssdk.http.HttpExecuteResponse;
import software.amazon.awssdk.http.SdkHttpClient;
import software.amazon.awssdk.http.SdkHttpMethod;
import software.amazon.awssdk.http.SdkHttpRequest;
import software.amazon.awssdk.http.apache5.Apache5HttpClient;
import software.amazon.awssdk.http.auth.aws.signer.AwsV4HttpSigner;
import software.amazon.awssdk.http.auth.spi.signer.HttpSigner;
import software.amazon.awssdk.http.auth.spi.signer.SignedRequest;

/**
 * Sends hand-made KMS requests, signed by the AWS SDK's own SigV4 signer (an independent check of
 * the endpoint's verifier) and then optionally altered, over the SDK's Apache 5 HTTP client. For
 * the protocol and signature error paths an SDK client cannot produce.
 */
final class RawKms {
  private static final SdkHttpClient HTTP = Apache5HttpClient.builder().build();

  private final URI endpoint;
  private String region;
  private KmsCredentials credentials;
  private String target;
  private String service = "kms";
  private String body = "{}";
  private Clock clock = Clock.systemUTC();
  private boolean sign = true;
  private String method = "POST";
  private final Map<String, String> extraHeaders = new LinkedHashMap<>();
  private Consumer<Map<String, List<String>>> tamper = h -> {};
  private byte[] sentBody;
  private byte[] bodyBytes;

  private RawKms(LocalKms kms) {
    this.endpoint = kms.endpoint();
    this.region = kms.region();
    this.credentials = kms.credentials();
  }

  static RawKms to(LocalKms kms, String operation) {
    RawKms r = new RawKms(kms);
    r.target = operation == null ? null : "TrentService." + operation;
    return r;
  }

  RawKms body(String json) {
    this.body = json;
    return this;
  }

  /** A body of any bytes (invalid UTF-8 included), signed and sent as given. */
  RawKms bodyBytes(byte[] bytes) {
    this.bodyBytes = bytes.clone();
    return this;
  }

  /** Sends different bytes than were signed. */
  RawKms sendBody(String json) {
    this.sentBody = json.getBytes(StandardCharsets.UTF_8);
    return this;
  }

  RawKms region(String region) {
    this.region = region;
    return this;
  }

  RawKms credentials(KmsCredentials credentials) {
    this.credentials = credentials;
    return this;
  }

  RawKms signingClock(Clock clock) {
    this.clock = clock;
    return this;
  }

  /** Signs for another service than kms. */
  RawKms service(String service) {
    this.service = service;
    return this;
  }

  RawKms unsigned() {
    this.sign = false;
    return this;
  }

  RawKms method(String method) {
    this.method = method;
    return this;
  }

  /** A header added before signing (so it is signed). */
  RawKms header(String name, String value) {
    extraHeaders.put(name, value);
    return this;
  }

  /** Changes the headers after signing. */
  RawKms tamper(Consumer<Map<String, List<String>>> tamper) {
    this.tamper = tamper;
    return this;
  }

  Response send() {
    byte[] bytes = bodyBytes != null ? bodyBytes : body.getBytes(StandardCharsets.UTF_8);
    SdkHttpRequest.Builder sdk =
        SdkHttpRequest.builder()
            .method(SdkHttpMethod.fromValue(method))
            .uri(endpoint.resolve("/"))
            .putHeader("Content-Type", "application/x-amz-json-1.1");
    if (target != null) {
      sdk.putHeader("X-Amz-Target", target);
    }
    extraHeaders.forEach(sdk::putHeader);
    SdkHttpRequest request = sdk.build();
    if (sign) {
      SdkHttpRequest unsignedRequest = request;
      SignedRequest signed =
          AwsV4HttpSigner.create()
              .sign(
                  r ->
                      r.identity(LocalKms.awsCredentials(credentials))
                          .request(unsignedRequest)
                          .payload(ContentStreamProvider.fromByteArray(bytes))
                          .putProperty(AwsV4HttpSigner.SERVICE_SIGNING_NAME, service)
                          .putProperty(AwsV4HttpSigner.REGION_NAME, region)
                          .putProperty(HttpSigner.SIGNING_CLOCK, clock));
      request = signed.request();
    }
    Map<String, List<String>> headers = new LinkedHashMap<>();
    request.forEachHeader((k, v) -> headers.put(k, new ArrayList<>(v)));
    tamper.accept(headers);
    byte[] payload = sentBody != null ? sentBody : bytes;
    SdkHttpRequest.Builder out = request.toBuilder().clearHeaders();
    headers.forEach(out::putHeader);
    out.putHeader("Content-Length", Integer.toString(payload.length));
    try {
      HttpExecuteResponse response =
          HTTP.prepareRequest(
                  HttpExecuteRequest.builder()
                      .request(out.build())
                      .contentStreamProvider(ContentStreamProvider.fromByteArray(payload))
                      .build())
              .call();
      String text =
          response.responseBody().isPresent()
              ? new String(response.responseBody().get().readAllBytes(), StandardCharsets.UTF_8)
              : "";
      JsonObject json =
          text.isEmpty() ? new JsonObject() : JsonParser.parseString(text).getAsJsonObject();
      return new Response(
          response.httpResponse().statusCode(), json, response.httpResponse().headers());
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** An HTTP status and JSON body. */
  record Response(int status, JsonObject json, Map<String, List<String>> headers) {
    String errorType() {
      return json.has("__type") ? json.get("__type").getAsString() : null;
    }

    String message() {
      return json.has("message") ? json.get("message").getAsString() : null;
    }
  }
}
