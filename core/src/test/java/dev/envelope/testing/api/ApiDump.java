package dev.envelope.testing.api;

import java.io.IOException;
import java.lang.module.ModuleDescriptor;
import java.lang.module.ModuleFinder;
import java.lang.module.ModuleReference;
import java.lang.reflect.Constructor;
import java.lang.reflect.Executable;
import java.lang.reflect.Field;
import java.lang.reflect.Method;
import java.lang.reflect.Modifier;
import java.lang.reflect.Type;
import java.lang.reflect.TypeVariable;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import java.util.stream.Collectors;
import java.util.stream.Stream;

/**
 * The public API of a library module as a sorted text file, checked in as {@code
 * <module>/api/<artifact>.api} and compared with the compiled classes by each library module's
 * {@code PublicApiTest} (the practice of Kotlin's binary-compatibility-validator and Okio).
 *
 * <p>The API is every public or protected type of the packages that the module's {@code
 * module-info} exports to everyone (qualified exports and packages named {@code internal} never
 * count), with its declared public and protected constructors, methods and fields, in Java's own
 * generic signature syntax. One block per type, sorted by binary name; members sorted within it.
 *
 * <p>{@code -Denvelope.api.update=true} (set by {@code scripts/api-dump}) rewrites the file instead
 * of comparing; docs/api.md says when to.
 */
public final class ApiDump {
  /** The system property that switches {@link #verify} from comparing to rewriting the file. */
  public static final String UPDATE_PROPERTY = "envelope.api.update";

  static final String REGENERATE = "scripts/api-dump";

  private ApiDump() {}

  /**
   * Compares {@code apiFile} with the API compiled into {@code classes}, or rewrites the file when
   * {@code -Denvelope.api.update=true}.
   *
   * @throws AssertionError listing the removed and added lines, and the command that regenerates the
   *     file, when the two differ
   */
  public static void verify(Path apiFile, Path classes) throws IOException {
    List<String> current = dump(classes);
    if (Boolean.getBoolean(UPDATE_PROPERTY)) {
      Files.createDirectories(apiFile.toAbsolutePath().getParent());
      Files.write(apiFile, current, StandardCharsets.UTF_8);
      return;
    }
    if (!Files.exists(apiFile)) {
      throw new AssertionError(apiFile + " is missing. Generate it with " + REGENERATE + " (or: "
          + command(apiFile) + ") and commit it.");
    }
    List<String> expected = Files.readAllLines(apiFile, StandardCharsets.UTF_8);
    if (expected.equals(current)) {
      return;
    }
    Set<String> before = keyed(expected);
    Set<String> after = keyed(current);
    StringBuilder message = new StringBuilder("The public API differs from ").append(apiFile)
        .append(" (- only in the file, + only in the compiled code):\n");
    for (String line : before) {
      if (!after.contains(line)) {
        message.append("  - ").append(line).append('\n');
      }
    }
    for (String line : after) {
      if (!before.contains(line)) {
        message.append("  + ").append(line).append('\n');
      }
    }
    message.append("If the change is intended (docs/api.md: what semantic versioning allows), regenerate the file with ")
        .append(REGENERATE).append(" (or: ").append(command(apiFile)).append(") and commit it with the change.");
    throw new AssertionError(message.toString());
  }

  /**
   * The API file's lines for the module compiled into {@code classes} (a directory holding {@code
   * module-info.class}); its classes are loaded, without initialising them, from this class's loader.
   */
  public static List<String> dump(Path classes) throws IOException {
    ModuleDescriptor module = ModuleFinder.of(classes).findAll().stream()
        .map(ModuleReference::descriptor)
        .findFirst()
        .orElseThrow(() -> new IllegalArgumentException(classes + " holds no module-info.class"));
    List<String> packages = module.exports().stream()
        .filter(e -> !e.isQualified())
        .map(ModuleDescriptor.Exports::source)
        .filter(p -> !Arrays.asList(p.split("\\.")).contains("internal"))
        .sorted()
        .collect(Collectors.toList());
    TreeSet<String> typeNames = new TreeSet<>();
    for (String pkg : packages) {
      Path dir = classes.resolve(pkg.replace('.', '/'));
      try (Stream<Path> files = Files.list(dir)) {
        files.map(f -> f.getFileName().toString())
            .filter(n -> n.endsWith(".class") && !n.equals("package-info.class"))
            .forEach(n -> typeNames.add(pkg + "." + n.substring(0, n.length() - ".class".length())));
      }
    }
    List<String> lines = new ArrayList<>();
    lines.add("# The public API of module " + module.name() + " (exports " + String.join(", ", packages)
        + "). Generated by " + REGENERATE + "; see docs/api.md.");
    for (String name : typeNames) {
      Class<?> type;
      try {
        type = Class.forName(name, false, ApiDump.class.getClassLoader());
      } catch (ClassNotFoundException e) {
        throw new IllegalStateException(name + " is in " + classes + " but not on the test class path", e);
      }
      if (!isApi(type)) {
        continue;
      }
      lines.add("");
      lines.add(header(type));
      TreeSet<String> members = new TreeSet<>();
      for (Field f : type.getDeclaredFields()) {
        if (visible(f.getModifiers()) && !f.isSynthetic()) {
          members.add(modifiers(f.getModifiers() & (Modifier.PUBLIC | Modifier.PROTECTED | Modifier.STATIC
              | Modifier.FINAL)) + f.getGenericType().getTypeName() + " " + f.getName());
        }
      }
      for (Constructor<?> c : type.getDeclaredConstructors()) {
        if (visible(c.getModifiers()) && !c.isSynthetic()) {
          members.add(signature(c));
        }
      }
      for (Method m : type.getDeclaredMethods()) {
        if (visible(m.getModifiers()) && !m.isSynthetic() && !m.isBridge()) {
          members.add(signature(m));
        }
      }
      for (String member : members) {
        lines.add("  " + member);
      }
    }
    return lines;
  }

  private static boolean isApi(Class<?> type) {
    for (Class<?> c = type; c != null; c = c.getDeclaringClass()) {
      if (c.isSynthetic() || c.isAnonymousClass() || c.isLocalClass() || !visible(c.getModifiers())) {
        return false;
      }
    }
    return true;
  }

  private static boolean visible(int modifiers) {
    return Modifier.isPublic(modifiers) || Modifier.isProtected(modifiers);
  }

  private static String header(Class<?> type) {
    String kind;
    int shown = type.getModifiers() & (Modifier.PUBLIC | Modifier.PROTECTED | Modifier.STATIC
        | Modifier.FINAL | Modifier.ABSTRACT);
    if (type.isAnnotation()) {
      kind = "@interface";
      shown &= ~(Modifier.ABSTRACT | Modifier.STATIC);
    } else if (type.isInterface()) {
      kind = "interface";
      shown &= ~(Modifier.ABSTRACT | Modifier.STATIC);
    } else if (type.isEnum()) {
      kind = "enum";
      shown &= ~(Modifier.ABSTRACT | Modifier.STATIC | Modifier.FINAL);
    } else if (type.isRecord()) {
      kind = "record";
      shown &= ~(Modifier.STATIC | Modifier.FINAL);
    } else {
      kind = "class";
    }
    StringBuilder line = new StringBuilder(modifiers(shown));
    if (type.isSealed()) {
      line.append("sealed ");
    }
    line.append(kind).append(' ').append(type.getName()).append(typeParameters(type.getTypeParameters()));
    Type superclass = type.getGenericSuperclass();
    if (superclass != null && superclass != Object.class && !type.isEnum() && !type.isRecord()) {
      line.append(" extends ").append(superclass.getTypeName());
    }
    Set<String> interfaces = new LinkedHashSet<>();
    for (Type t : type.getGenericInterfaces()) {
      if (!(type.isAnnotation() && t == java.lang.annotation.Annotation.class)) {
        interfaces.add(t.getTypeName());
      }
    }
    if (!interfaces.isEmpty()) {
      line.append(type.isInterface() ? " extends " : " implements ").append(String.join(", ", interfaces));
    }
    if (type.isSealed()) {
      line.append(" permits ").append(Arrays.stream(type.getPermittedSubclasses())
          .map(Class::getName).sorted().collect(Collectors.joining(", ")));
    }
    return line.toString();
  }

  /** Java's own generic signature, with the declaring type left out of the name. */
  private static String signature(Executable e) {
    String generic = e.toGenericString();
    String owner = e.getDeclaringClass().getTypeName();
    String name = e instanceof Constructor ? owner : owner + "." + e.getName();
    int at = generic.indexOf(name + "(");
    if (at < 0) {
      throw new IllegalStateException("unexpected signature " + generic);
    }
    String shortName = e instanceof Constructor ? "<init>" : e.getName();
    return generic.substring(0, at) + shortName + generic.substring(at + name.length())
        .replace("synchronized ", "").replace("native ", "").replace("strictfp ", "");
  }

  private static String typeParameters(TypeVariable<?>[] variables) {
    if (variables.length == 0) {
      return "";
    }
    return Arrays.stream(variables).map(v -> {
      List<String> bounds = Arrays.stream(v.getBounds())
          .filter(b -> b != Object.class).map(Type::getTypeName).collect(Collectors.toList());
      return bounds.isEmpty() ? v.getName() : v.getName() + " extends " + String.join(" & ", bounds);
    }).collect(Collectors.joining(", ", "<", ">"));
  }

  private static String modifiers(int modifiers) {
    String text = Modifier.toString(modifiers);
    return text.isEmpty() ? "" : text + " ";
  }

  /** Each member line prefixed with its type's header, so a diff line says where it belongs. */
  private static Set<String> keyed(List<String> lines) {
    Set<String> keyed = new LinkedHashSet<>();
    String type = "";
    for (String line : lines) {
      if (line.isEmpty() || line.startsWith("#")) {
        continue;
      }
      if (line.startsWith("  ")) {
        keyed.add(type + " { " + line.strip() + " }");
      } else {
        type = typeName(line);
        keyed.add(line);
      }
    }
    return keyed;
  }

  /** The binary name in a type's header line: the word after its kind. */
  private static String typeName(String header) {
    List<String> words = Arrays.asList(header.split(" "));
    for (String kind : List.of("class", "interface", "enum", "record", "@interface")) {
      int at = words.indexOf(kind);
      if (at >= 0 && at + 1 < words.size()) {
        String name = words.get(at + 1);
        int generic = name.indexOf('<');
        return generic < 0 ? name : name.substring(0, generic);
      }
    }
    return header;
  }

  /** The Maven command that regenerates {@code apiFile} alone. */
  private static String command(Path apiFile) {
    Path module = apiFile.toAbsolutePath().normalize().getParent().getParent();
    Path root = module;
    while (root != null && !Files.exists(root.resolve(REGENERATE))) {
      root = root.getParent();
    }
    String pl = root == null ? module.toString() : root.relativize(module).toString();
    return "mvn -B -o -q -pl " + pl + " -am test -Dtest=PublicApiTest -Dsurefire.failIfNoSpecifiedTests=false -D"
        + UPDATE_PROPERTY + "=true";
  }
}
