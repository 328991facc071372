package dev.envelope.cli;

import com.google.gson.JsonElement;
import com.google.gson.JsonObject;
import com.google.gson.JsonParseException;
import com.google.gson.JsonParser;
import java.io.BufferedReader;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * Reads the records of a key store's audit log ({@code audit.log}, one JSON object per line; format
 * in {@code dev.envelope.local.AuditLog}) to show them. Read only after {@code AuditLog.verify} has
 * found the chain intact, and only as many records as it verified.
 */
final class AuditTrail {
  private AuditTrail() {}

  /** One audit record as written: what was done to which key, by whom, with which outcome. */
  record Entry(long seq, String time, String operation, String outcome, String keyId, int keyVersion,
      String caller, List<String> contextKeys, Map<String, String> context, String detail) {

    /** E.g. {@code decrypt v1}, {@code generate v1 denied}: operation, version, outcome unless success. */
    String summary() {
      return operation.toLowerCase(Locale.ROOT).replace('_', '-')
          + (keyVersion > 0 ? " v" + keyVersion : "")
          + ("SUCCESS".equals(outcome) ? "" : " " + outcome.toLowerCase(Locale.ROOT));
    }

    Map<String, Object> json() {
      Map<String, Object> m = new LinkedHashMap<>();
      m.put("seq", seq);
      m.put("time", time);
      m.put("operation", operation);
      m.put("outcome", outcome);
      m.put("keyId", keyId);
      m.put("keyVersion", keyVersion > 0 ? keyVersion : null);
      m.put("caller", caller);
      m.put("contextKeys", new ArrayList<Object>(contextKeys));
      m.put("context", new LinkedHashMap<String, Object>(context));
      m.put("detail", detail);
      return m;
    }
  }

  /**
   * The first {@code count} records of the log at {@code file} (none if it does not exist).
   *
   * @throws CliFailure {@link ExitCode#KEY_FILE} if it cannot be read, {@link ExitCode#AUTHENTICATION}
   *     if a record is not the JSON the store writes
   */
  static List<Entry> read(Path file, long count) {
    List<Entry> entries = new ArrayList<>();
    try (BufferedReader reader = Files.newBufferedReader(file, StandardCharsets.UTF_8)) {
      for (long line = 1; line <= count; line++) {
        String text = reader.readLine();
        if (text == null) {
          break;
        }
        entries.add(parse(text, line, file));
      }
    } catch (NoSuchFileException e) {
      return entries;
    } catch (IOException e) {
      throw Failures.reading(ExitCode.KEY_FILE, "the audit log '" + file + "'", e);
    }
    return entries;
  }

  private static Entry parse(String text, long line, Path file) {
    try {
      JsonObject o = JsonParser.parseString(text).getAsJsonObject();
      List<String> contextKeys = new ArrayList<>();
      if (o.has("contextKeys")) {
        o.getAsJsonArray("contextKeys").forEach(k -> contextKeys.add(k.getAsString()));
      }
      Map<String, String> context = new LinkedHashMap<>();
      if (o.has("context")) {
        for (Map.Entry<String, JsonElement> e : o.getAsJsonObject("context").entrySet()) {
          context.put(e.getKey(), e.getValue().getAsString());
        }
      }
      return new Entry(
          o.get("seq").getAsLong(),
          o.get("time").getAsString(),
          o.get("operation").getAsString(),
          o.get("outcome").getAsString(),
          o.has("keyId") ? o.get("keyId").getAsString() : null,
          o.has("keyVersion") ? o.get("keyVersion").getAsInt() : 0,
          o.get("caller").getAsString(),
          contextKeys,
          context,
          o.has("detail") ? o.get("detail").getAsString() : "");
    } catch (JsonParseException | IllegalStateException | NullPointerException | UnsupportedOperationException
        | NumberFormatException e) {
      throw new CliFailure(ExitCode.AUTHENTICATION, "the audit log '" + file + "' has a record at line " + line
          + " that is not in the key store's format; investigate who wrote it", e);
    }
  }
}
