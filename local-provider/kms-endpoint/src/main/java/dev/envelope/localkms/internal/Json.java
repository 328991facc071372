package dev.envelope.localkms.internal;

import com.google.gson.JsonArray;
import com.google.gson.JsonElement;
import com.google.gson.JsonNull;
import com.google.gson.JsonObject;
import com.google.gson.JsonParseException;
import com.google.gson.JsonPrimitive;
import com.google.gson.Strictness;
import com.google.gson.stream.JsonReader;
import com.google.gson.stream.JsonToken;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStreamReader;
import java.math.BigDecimal;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Base64;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * JSON 1.1 protocol helpers: strict parsing of a request body, typed access to its members with the
 * errors KMS returns ({@code SerializationException} for a wrong type, {@code ValidationException}
 * for a missing or out-of-range value), and the encodings of the protocol (blobs in base64,
 * timestamps as epoch seconds).
 */
public final class Json {
  /** No KMS request nests deeper than a few levels (grant constraints, tags). */
  static final int MAX_DEPTH = 32;
  /** Longer than any number a KMS request holds; {@code 1e999999999} and its kin are refused. */
  private static final int MAX_NUMBER_CHARS = 32;

  private final JsonObject body;

  private Json(JsonObject body) {
    this.body = body;
  }

  /** Wraps a request body; an empty body is an empty object. */
  public static Json request(byte[] body) {
    if (body.length == 0) {
      return new Json(new JsonObject());
    }
    JsonElement e = parseObject(body, body.length);
    return new Json(e.getAsJsonObject());
  }

  /**
   * Parses strict JSON (no comments, no unquoted names, one top-level object, valid UTF-8).
   *
   * @throws KmsException {@code SerializationException} otherwise
   */
  public static JsonElement parseObject(byte[] bytes, int maxBytes) {
    if (bytes.length > maxBytes) {
      throw KmsException.serialization("the request body is larger than " + maxBytes + " bytes");
    }
    try {
      StandardCharsets.UTF_8
          .newDecoder()
          .onMalformedInput(CodingErrorAction.REPORT)
          .onUnmappableCharacter(CodingErrorAction.REPORT)
          .decode(java.nio.ByteBuffer.wrap(bytes));
    } catch (CharacterCodingException e) {
      throw KmsException.serialization("the request body is not valid UTF-8");
    }
    try (JsonReader reader =
        new JsonReader(
            new InputStreamReader(new ByteArrayInputStream(bytes), StandardCharsets.UTF_8))) {
      reader.setStrictness(Strictness.STRICT);
      if (reader.peek() != JsonToken.BEGIN_OBJECT) {
        throw KmsException.serialization("the request body must be a JSON object");
      }
      JsonElement e = read(reader, 0);
      if (reader.peek() != JsonToken.END_DOCUMENT) {
        throw KmsException.serialization("unexpected content after the JSON object");
      }
      return e;
    } catch (IOException | JsonParseException | IllegalStateException | NumberFormatException e) {
      throw KmsException.serialization("the request body is not valid JSON");
    }
  }

  /**
   * One JSON value, refusing what Gson's own tree reader lets through: a name twice in one object
   * (Gson keeps the last, another parser the first), and nesting deeper than {@link #MAX_DEPTH}.
   */
  private static JsonElement read(JsonReader reader, int depth) throws IOException {
    switch (reader.peek()) {
      case BEGIN_OBJECT -> {
        checkDepth(depth);
        JsonObject o = new JsonObject();
        reader.beginObject();
        while (reader.hasNext()) {
          String name = reader.nextName();
          if (o.has(name)) {
            throw KmsException.serialization("the member '" + abbreviate(name) + "' appears twice");
          }
          o.add(name, read(reader, depth + 1));
        }
        reader.endObject();
        return o;
      }
      case BEGIN_ARRAY -> {
        checkDepth(depth);
        JsonArray a = new JsonArray();
        reader.beginArray();
        while (reader.hasNext()) {
          a.add(read(reader, depth + 1));
        }
        reader.endArray();
        return a;
      }
      case STRING -> {
        return new JsonPrimitive(reader.nextString());
      }
      case NUMBER -> {
        String number = reader.nextString();
        if (number.length() > MAX_NUMBER_CHARS) {
          throw KmsException.serialization("a number in the request body is too long");
        }
        return new JsonPrimitive(new BigDecimal(number)); // the syntax is JSON's, checked already
      }
      case BOOLEAN -> {
        return new JsonPrimitive(reader.nextBoolean());
      }
      case NULL -> {
        reader.nextNull();
        return JsonNull.INSTANCE;
      }
      default -> throw KmsException.serialization("the request body is not valid JSON");
    }
  }

  private static void checkDepth(int depth) {
    if (depth >= MAX_DEPTH) {
      throw KmsException.serialization(
          "the request body nests objects and arrays deeper than " + MAX_DEPTH + " levels");
    }
  }

  /** The member name in the lower-camel form AWS validation messages use. */
  private static String memberName(String field) {
    return Character.toLowerCase(field.charAt(0)) + field.substring(1);
  }

  public boolean has(String field) {
    JsonElement e = body.get(field);
    return e != null && !e.isJsonNull();
  }

  public String string(String field) {
    JsonElement e = body.get(field);
    if (e == null || e.isJsonNull()) {
      return null;
    }
    if (!e.isJsonPrimitive() || !e.getAsJsonPrimitive().isString()) {
      throw KmsException.serialization(
          "Expected a string for member '" + field + "', found " + kind(e));
    }
    return e.getAsString();
  }

  public String requiredString(String field, int minLength, int maxLength) {
    String s = string(field);
    if (s == null) {
      throw KmsException.constraint(null, memberName(field), "Member must not be null");
    }
    return checkLength(field, s, minLength, maxLength);
  }

  public String optionalString(String field, int minLength, int maxLength) {
    String s = string(field);
    return s == null ? null : checkLength(field, s, minLength, maxLength);
  }

  private static String checkLength(String field, String s, int minLength, int maxLength) {
    if (s.length() < minLength) {
      throw KmsException.constraint(
          s, memberName(field), "Member must have length greater than or equal to " + minLength);
    }
    if (s.length() > maxLength) {
      throw KmsException.constraint(
          abbreviate(s),
          memberName(field),
          "Member must have length less than or equal to " + maxLength);
    }
    return s;
  }

  /** A string member restricted to an enum value set; null if absent. */
  public String enumValue(String field, List<String> allowed) {
    String s = string(field);
    if (s != null && !allowed.contains(s)) {
      throw KmsException.constraint(
          abbreviate(s), memberName(field), "Member must satisfy enum value set: " + allowed);
    }
    return s;
  }

  public Integer integer(String field, int min, int max) {
    JsonElement e = body.get(field);
    if (e == null || e.isJsonNull()) {
      return null;
    }
    if (!e.isJsonPrimitive() || !e.getAsJsonPrimitive().isNumber()) {
      throw KmsException.serialization(
          "Expected a number for member '" + field + "', found " + kind(e));
    }
    int value;
    try {
      BigDecimal d = e.getAsBigDecimal();
      // An int has at most 10 digits before the point: check before intValueExact, which would
      // expand 1E+999999999 to a billion digits first.
      if (d.precision() - d.scale() > 10) {
        throw new ArithmeticException("out of range");
      }
      value = d.intValueExact();
    } catch (ArithmeticException | NumberFormatException ex) {
      throw KmsException.serialization("Member '" + field + "' must be an integer");
    }
    if (value < min) {
      throw KmsException.constraint(
          Integer.toString(value),
          memberName(field),
          "Member must have value greater than or equal to " + min);
    }
    if (value > max) {
      throw KmsException.constraint(
          Integer.toString(value),
          memberName(field),
          "Member must have value less than or equal to " + max);
    }
    return value;
  }

  public boolean bool(String field) {
    JsonElement e = body.get(field);
    if (e == null || e.isJsonNull()) {
      return false;
    }
    if (!e.isJsonPrimitive() || !e.getAsJsonPrimitive().isBoolean()) {
      throw KmsException.serialization(
          "Expected a boolean for member '" + field + "', found " + kind(e));
    }
    return e.getAsBoolean();
  }

  /** A base64 blob; its value never appears in an error. Null if absent. */
  public byte[] blob(String field, int minLength, int maxLength) {
    String s = string(field);
    if (s == null) {
      return null;
    }
    // Bound before decoding: base64 of maxLength bytes is at most 4 * ceil(maxLength / 3) chars.
    if (s.length() > 4 * ((maxLength + 2) / 3) + 4) {
      throw KmsException.hiddenConstraint(
          memberName(field), "Member must have length less than or equal to " + maxLength);
    }
    byte[] bytes;
    try {
      bytes = Base64.getDecoder().decode(s);
    } catch (IllegalArgumentException e) {
      throw KmsException.serialization("Member '" + field + "' is not valid base64");
    }
    if (bytes.length < minLength) {
      throw KmsException.hiddenConstraint(
          memberName(field), "Member must have length greater than or equal to " + minLength);
    }
    if (bytes.length > maxLength) {
      throw KmsException.hiddenConstraint(
          memberName(field), "Member must have length less than or equal to " + maxLength);
    }
    return bytes;
  }

  public byte[] requiredBlob(String field, int minLength, int maxLength) {
    byte[] b = blob(field, minLength, maxLength);
    if (b == null) {
      throw KmsException.constraint(null, memberName(field), "Member must not be null");
    }
    return b;
  }

  /** A string-to-string map (an encryption context); empty if absent. Values never in errors. */
  public Map<String, String> stringMap(String field) {
    JsonElement e = body.get(field);
    if (e == null || e.isJsonNull()) {
      return Map.of();
    }
    if (!e.isJsonObject()) {
      throw KmsException.serialization(
          "Expected a map for member '" + field + "', found " + kind(e));
    }
    Map<String, String> out = new LinkedHashMap<>();
    for (Map.Entry<String, JsonElement> entry : e.getAsJsonObject().entrySet()) {
      JsonElement v = entry.getValue();
      if (!v.isJsonPrimitive() || !v.getAsJsonPrimitive().isString()) {
        throw KmsException.serialization("Expected string values in map member '" + field + "'");
      }
      out.put(entry.getKey(), v.getAsString());
    }
    return Collections.unmodifiableMap(out);
  }

  /** A list of strings; empty if absent. */
  public List<String> stringList(String field, int maxItems) {
    JsonArray a = array(field, maxItems);
    List<String> out = new ArrayList<>(a.size());
    for (JsonElement item : a) {
      if (!item.isJsonPrimitive() || !item.getAsJsonPrimitive().isString()) {
        throw KmsException.serialization("Expected string items in list member '" + field + "'");
      }
      out.add(item.getAsString());
    }
    return List.copyOf(out);
  }

  /** The list member {@code field}, bounded by {@code maxItems}; empty if absent. */
  private JsonArray array(String field, int maxItems) {
    JsonElement e = body.get(field);
    if (e == null || e.isJsonNull()) {
      return new JsonArray();
    }
    if (!e.isJsonArray()) {
      throw KmsException.serialization(
          "Expected a list for member '" + field + "', found " + kind(e));
    }
    JsonArray a = e.getAsJsonArray();
    if (a.size() > maxItems) {
      throw KmsException.hiddenConstraint(
          memberName(field), "Member must have length less than or equal to " + maxItems);
    }
    return a;
  }

  /** A nested structure; null if absent. */
  public Json object(String field) {
    JsonElement e = body.get(field);
    if (e == null || e.isJsonNull()) {
      return null;
    }
    if (!e.isJsonObject()) {
      throw KmsException.serialization(
          "Expected a structure for member '" + field + "', found " + kind(e));
    }
    return new Json(e.getAsJsonObject());
  }

  /** A list of nested structures; empty if absent. */
  public List<Json> objectList(String field, int maxItems) {
    JsonArray a = array(field, maxItems);
    List<Json> out = new ArrayList<>();
    for (JsonElement item : a) {
      if (!item.isJsonObject()) {
        throw KmsException.serialization("Expected structures in list member '" + field + "'");
      }
      out.add(new Json(item.getAsJsonObject()));
    }
    return out;
  }

  // Response encodings.

  /** An epoch-seconds timestamp with millisecond precision, as the JSON protocol sends it. */
  public static JsonPrimitive timestamp(Instant instant) {
    return new JsonPrimitive(BigDecimal.valueOf(instant.toEpochMilli()).movePointLeft(3));
  }

  public static String base64(byte[] bytes) {
    return Base64.getEncoder().encodeToString(bytes);
  }

  public static JsonArray stringArray(List<String> values) {
    JsonArray a = new JsonArray();
    values.forEach(a::add);
    return a;
  }

  public static JsonObject stringObject(Map<String, String> map) {
    JsonObject o = new JsonObject();
    map.forEach(o::addProperty);
    return o;
  }

  private static String kind(JsonElement e) {
    if (e.isJsonObject()) {
      return "a structure";
    }
    if (e.isJsonArray()) {
      return "a list";
    }
    JsonPrimitive p = e.getAsJsonPrimitive();
    return p.isString() ? "a string" : p.isNumber() ? "a number" : "a boolean";
  }

  private static String abbreviate(String s) {
    return s.length() <= 64 ? s : s.substring(0, 64) + "...";
  }
}
