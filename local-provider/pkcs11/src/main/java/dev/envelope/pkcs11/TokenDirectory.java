package dev.envelope.pkcs11;

import com.sun.jna.Function;
import com.sun.jna.Memory;
import com.sun.jna.Native;
import com.sun.jna.NativeLibrary;
import com.sun.jna.NativeLong;
import com.sun.jna.Platform;
import com.sun.jna.Pointer;
import com.sun.jna.ptr.NativeLongByReference;
import com.sun.jna.ptr.PointerByReference;
import dev.envelope.KeyProviderException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * Lists a PKCS#11 library's slots and their tokens' labels, so a token can be selected by label.
 * SunPKCS11 selects tokens only by slot id or slot list index and has no public way to read a
 * token's label, so this class calls four functions of the library itself ({@code
 * C_GetFunctionList}, {@code C_Initialize}, {@code C_GetSlotList}, {@code C_GetTokenInfo}) through
 * JNA. It reads labels only: it never opens a session, logs in or touches a key.
 *
 * <p>{@code C_Initialize} is called with {@code CKF_OS_LOCKING_OK}, as SunPKCS11 does, and the
 * library is never finalized: SunPKCS11 shares the initialized library (it accepts {@code
 * CKR_CRYPTOKI_ALREADY_INITIALIZED}) and finalizing it would break every provider using it.
 *
 * <pre>
 * CK_FUNCTION_LIST   CK_VERSION (2 bytes), then function pointers (aligned, or packed on Windows):
 *                    [0] C_Initialize  [4] C_GetSlotList  [6] C_GetTokenInfo
 * CK_TOKEN_INFO      label[32] (UTF-8, blank padded) ‖ manufacturerID[32] ‖ model[16] ‖
 *                    serialNumber[16] ‖ CK_FLAGS flags ‖ ...
 * </pre>
 */
final class TokenDirectory {
  private static final long CKR_OK = 0;
  private static final long CKR_TOKEN_NOT_PRESENT = 0xE0;
  private static final long CKR_BUFFER_TOO_SMALL = 0x150;
  private static final long CKR_CRYPTOKI_ALREADY_INITIALIZED = 0x191;
  private static final long CKF_OS_LOCKING_OK = 0x2;
  private static final long CKF_TOKEN_INITIALIZED = 0x400;

  private static final int FN_C_INITIALIZE = 0;
  private static final int FN_C_GET_SLOT_LIST = 4;
  private static final int FN_C_GET_TOKEN_INFO = 6;

  private static final int LABEL_LENGTH = 32;
  private static final int TOKEN_INFO_FLAGS_OFFSET = 32 + 32 + 16 + 16;
  /** Larger than CK_TOKEN_INFO on every platform (about 210 bytes on 64-bit Unix). */
  private static final int TOKEN_INFO_BUFFER = 512;
  /** No real library has more slots; a larger count is a broken library, not a reason to allocate. */
  private static final int MAX_SLOTS = 4096;

  private TokenDirectory() {}

  /** One entry of {@code C_GetSlotList(FALSE)}, in the library's order (SunPKCS11's slotListIndex). */
  record Slot(int index, long slotId, boolean tokenPresent, boolean initialized, String label) {
    /** How the slot reads in an error message. */
    String describe() {
      if (!tokenPresent) {
        return "slot index " + index + ": no token";
      }
      return "slot index " + index + ": " + (initialized ? "'" + label + "'" : "uninitialized token");
    }
  }

  /**
   * The library's slots in {@code C_GetSlotList(FALSE)} order.
   *
   * @throws Pkcs11Exception with {@link KeyProviderException.Reason#PROVIDER_NOT_FOUND} if the library
   *     cannot be loaded, or {@link KeyProviderException.Reason#SERVICE_ERROR} if a call fails
   */
  static synchronized List<Slot> slots(Path library) {
    Pointer functions = functionList(library);
    call(functions, FN_C_INITIALIZE, "C_Initialize", library, true, initializeArgs());

    NativeLongByReference count = new NativeLongByReference(new NativeLong(0));
    Memory ids = null;
    for (int attempt = 0; ; attempt++) {
      call(functions, FN_C_GET_SLOT_LIST, "C_GetSlotList", library, false, (byte) 0, null, count);
      long n = count.getValue().longValue();
      if (n < 0 || n > MAX_SLOTS) {
        throw new Pkcs11Exception(KeyProviderException.Reason.SERVICE_ERROR,
            "PKCS#11 library " + library + " reports " + n + " slots; at most " + MAX_SLOTS + " are supported");
      }
      if (n == 0) {
        return List.of();
      }
      ids = new Memory(n * NativeLong.SIZE);
      long rv = invoke(functions, FN_C_GET_SLOT_LIST, (byte) 0, ids, count);
      if (rv == CKR_BUFFER_TOO_SMALL && attempt < 3) {
        continue; // a slot appeared between the two calls
      }
      check(rv, "C_GetSlotList", library);
      break;
    }
    int n = (int) Math.min(count.getValue().longValue(), ids.size() / NativeLong.SIZE);
    List<Slot> slots = new ArrayList<>(n);
    Memory info = new Memory(TOKEN_INFO_BUFFER);
    for (int i = 0; i < n; i++) {
      long slotId = ids.getNativeLong((long) i * NativeLong.SIZE).longValue();
      info.clear();
      long rv = invoke(functions, FN_C_GET_TOKEN_INFO, new NativeLong(slotId), info);
      if (rv == CKR_TOKEN_NOT_PRESENT) {
        slots.add(new Slot(i, slotId, false, false, ""));
        continue;
      }
      check(rv, "C_GetTokenInfo", library);
      long flags = info.getNativeLong(TOKEN_INFO_FLAGS_OFFSET).longValue();
      slots.add(new Slot(i, slotId, true, (flags & CKF_TOKEN_INITIALIZED) != 0, label(info.getByteArray(0, LABEL_LENGTH))));
    }
    return slots;
  }

  /** A CK_UTF8CHAR[32] label without its blank (or NUL) padding. */
  static String label(byte[] padded) {
    int end = padded.length;
    while (end > 0 && (padded[end - 1] == ' ' || padded[end - 1] == 0)) {
      end--;
    }
    return new String(padded, 0, end, StandardCharsets.UTF_8);
  }

  /** JNA's load errors go on for many lines (the whole class path): keep the first. */
  private static String firstLine(String message) {
    if (message == null) {
      return "no detail";
    }
    int end = message.indexOf('\n');
    String line = (end < 0 ? message : message.substring(0, end)).strip();
    return line.endsWith(":") ? line.substring(0, line.length() - 1) : line;
  }

  private static Pointer functionList(Path library) {
    NativeLibrary lib;
    try {
      lib = NativeLibrary.getInstance(library.toString());
    } catch (UnsatisfiedLinkError e) {
      throw new Pkcs11Exception(KeyProviderException.Reason.PROVIDER_NOT_FOUND,
          "cannot load the PKCS#11 library " + library + " (" + firstLine(e.getMessage())
              + "); check that it is a PKCS#11 module built for this platform", e);
    }
    Function getFunctionList;
    try {
      getFunctionList = lib.getFunction("C_GetFunctionList");
    } catch (UnsatisfiedLinkError e) {
      throw new Pkcs11Exception(KeyProviderException.Reason.PROVIDER_NOT_FOUND,
          library + " is not a PKCS#11 library: it has no C_GetFunctionList", e);
    }
    PointerByReference ref = new PointerByReference();
    check(((NativeLong) getFunctionList.invoke(NativeLong.class, new Object[] {ref})).longValue(),
        "C_GetFunctionList", library);
    Pointer functions = ref.getValue();
    if (functions == null) {
      throw new Pkcs11Exception(KeyProviderException.Reason.SERVICE_ERROR,
          "PKCS#11 library " + library + " returned no function list");
    }
    return functions;
  }

  /** CK_C_INITIALIZE_ARGS: four mutex callbacks (null), flags = CKF_OS_LOCKING_OK, pReserved (null). */
  private static Memory initializeArgs() {
    Memory args = new Memory(6L * Native.POINTER_SIZE + 8);
    args.clear();
    args.setNativeLong(4L * Native.POINTER_SIZE, new NativeLong(CKF_OS_LOCKING_OK));
    return args;
  }

  private static void call(Pointer functions, int index, String name, Path library, boolean initialize, Object... args) {
    long rv = invoke(functions, index, args);
    if (initialize && rv == CKR_CRYPTOKI_ALREADY_INITIALIZED) {
      return; // SunPKCS11 (or an earlier call) initialized it: fine, it is shared
    }
    check(rv, name, library);
  }

  private static long invoke(Pointer functions, int index, Object... args) {
    long firstPointer = Platform.isWindows() ? 2 : Native.POINTER_SIZE;
    Pointer fn = functions.getPointer(firstPointer + (long) index * Native.POINTER_SIZE);
    return ((NativeLong) Function.getFunction(fn).invoke(NativeLong.class, args)).longValue();
  }

  private static void check(long rv, String function, Path library) {
    if (rv != CKR_OK) {
      throw new Pkcs11Exception(KeyProviderException.Reason.SERVICE_ERROR,
          function + " of PKCS#11 library " + library + " failed with CKR 0x" + Long.toHexString(rv));
    }
  }
}
