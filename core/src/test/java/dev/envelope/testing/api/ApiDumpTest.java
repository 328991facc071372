package dev.envelope.testing.api;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ApiDumpTest {
  static final Path CLASSES = Path.of("target/classes");

  @Test
  void dump_coreClasses_listsExportedTypesAndMembersOnly() throws IOException {
    List<String> lines = ApiDump.dump(CLASSES);
    assertTrue(lines.contains("public final class dev.envelope.Envelope"), "Envelope is listed");
    assertTrue(lines.stream().anyMatch(l -> l.startsWith("  ") && l.contains(" encrypt(byte[],dev.envelope.EncryptionContext)")),
        "Envelope.encrypt is listed");
    assertFalse(lines.stream().anyMatch(l -> l.contains("dev.envelope.internal.")), "no internal package");
    assertFalse(lines.stream().anyMatch(l -> l.contains(" private ") || l.startsWith("  private")), "no private member");
  }

  @Test
  void dump_twice_isIdentical() throws IOException {
    assertEquals(ApiDump.dump(CLASSES), ApiDump.dump(CLASSES));
  }

  @Test
  void verify_fileWithARemovedAndAnAddedMember_failsNamingBothAndTheCommand(@TempDir Path dir) throws IOException {
    List<String> lines = new ArrayList<>(ApiDump.dump(CLASSES));
    int member = lines.indexOf("public final class dev.envelope.Envelope") + 1;
    String removed = lines.remove(member);
    lines.add(member, "  public void notInTheCode()");
    Path api = dir.resolve("api/envelope-core.api");
    Files.createDirectories(api.getParent());
    Files.write(api, lines, StandardCharsets.UTF_8);

    AssertionError e = assertThrows(AssertionError.class, () -> ApiDump.verify(api, CLASSES));

    assertTrue(e.getMessage().contains("  - dev.envelope.Envelope { public void notInTheCode() }"), e.getMessage());
    assertTrue(e.getMessage().contains("  + dev.envelope.Envelope { " + removed.strip() + " }"), e.getMessage());
    assertTrue(e.getMessage().contains("scripts/api-dump"), e.getMessage());
    assertTrue(e.getMessage().contains("-Denvelope.api.update=true"), e.getMessage());
  }

  @Test
  void verify_missingFile_failsWithTheCommand(@TempDir Path dir) {
    AssertionError e = assertThrows(AssertionError.class, () -> ApiDump.verify(dir.resolve("api/x.api"), CLASSES));
    assertTrue(e.getMessage().contains("is missing") && e.getMessage().contains("scripts/api-dump"), e.getMessage());
  }
}
