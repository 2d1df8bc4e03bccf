package pe.agriscore.engine.pt;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Deque;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.zip.DataFormatException;
import java.util.zip.Inflater;

/**
 * What a TorchScript file ({@code torch.jit.save}) holds, read straight from the file libtorch
 * loaded: the module tree with its attributes ({@code data.pkl}), the tensors' bytes ({@code
 * data/N}) and the TorchScript source of every class ({@code code/**.py}).
 *
 * <p>Only the subset of Python's pickle protocol 2 that {@code torch.jit.save} writes for plain
 * modules is understood; anything else throws {@link Unsupported}, which makes the fast path step
 * aside for libtorch. Nothing here is trusted for scoring: the network built from it is compared
 * with libtorch before it serves (see {@link FastPath}).
 */
final class TorchScriptArchive {

  /** Something in the file this reader does not understand; the message says what. */
  static final class Unsupported extends Exception {
    private static final long serialVersionUID = 1L;

    Unsupported(String message) {
      super(message);
    }
  }

  /** A module object: its class ({@code __torch__.x.y.Name}) and its attributes in order. */
  record Obj(String type, Map<String, Object> state) {}

  /** A float32 tensor's values, row-major (tensors of other types are not read). */
  record Tensor(long[] shape, float[] values) {}

  private final Obj root;
  private final Map<String, String> sources;

  private TorchScriptArchive(Obj root, Map<String, String> sources) {
    this.root = root;
    this.sources = sources;
  }

  /** The root module. */
  Obj root() {
    return root;
  }

  /** The TorchScript source of the file that defines {@code type}'s module, if the file has it. */
  String sourceOf(String type) throws Unsupported {
    int dot = type.lastIndexOf('.');
    String source = sources.get(type.substring(0, dot));
    if (source == null) {
      throw new Unsupported("no TorchScript source for " + type);
    }
    return source;
  }

  /**
   * Reads the archive from the model's bytes (never from a file: an encrypted bundle's model
   * exists in clear only in memory). Only the entries the fast path reads are kept.
   */
  static TorchScriptArchive read(byte[] archive) throws IOException, Unsupported {
    Map<String, byte[]> entries = entries(archive);
    String prefix = null;
    Map<String, String> sources = new HashMap<>();
    for (Map.Entry<String, byte[]> e : entries.entrySet()) {
      String name = e.getKey();
      int slash = name.indexOf('/');
      String rest = name.substring(slash + 1);
      if (rest.equals("data.pkl")) {
        prefix = name.substring(0, slash + 1);
      } else if (rest.startsWith("code/") && rest.endsWith(".py")) {
        String module = rest.substring("code/".length(), rest.length() - ".py".length())
            .replace('/', '.');
        sources.put(module, new String(e.getValue(), StandardCharsets.UTF_8));
      }
    }
    if (prefix == null) {
      throw new Unsupported("no data.pkl in the archive");
    }
    Object root = new Unpickler(entries.get(prefix + "data.pkl"), entries, prefix).load();
    if (!(root instanceof Obj obj)) {
      throw new Unsupported("data.pkl does not hold a module");
    }
    return new TorchScriptArchive(obj, sources);
  }

  /**
   * The archive's {@code data.pkl}, {@code code/*.py} and {@code data/*} entries, read through
   * the zip's central directory: torch.jit.save writes entries with data descriptors, which
   * {@code ZipInputStream} cannot read, and {@code ZipFile} needs a file. Stored and deflated
   * entries are read; anything else (zip64, other methods, more than four times the archive's
   * size inflated) is left to libtorch.
   */
  private static Map<String, byte[]> entries(byte[] archive) throws Unsupported {
    ByteBuffer zip = ByteBuffer.wrap(archive).order(ByteOrder.LITTLE_ENDIAN);
    int end = -1;
    for (int i = archive.length - 22; i >= Math.max(0, archive.length - 22 - 65_535); i--) {
      if (zip.getInt(i) == 0x06054b50) {
        end = i;
        break;
      }
    }
    if (end < 0) {
      throw new Unsupported("an archive without a zip end record");
    }
    int count = Short.toUnsignedInt(zip.getShort(end + 10));
    long directory = Integer.toUnsignedLong(zip.getInt(end + 16));
    Map<String, byte[]> entries = new HashMap<>();
    long budget = 4L * archive.length + (1 << 20);
    try {
      int at = Math.toIntExact(directory);
      for (int n = 0; n < count; n++) {
        if (zip.getInt(at) != 0x02014b50) {
          throw new Unsupported("a zip central directory that is not one");
        }
        int method = Short.toUnsignedInt(zip.getShort(at + 10));
        long stored = Integer.toUnsignedLong(zip.getInt(at + 20)); // compressed size
        long size = Integer.toUnsignedLong(zip.getInt(at + 24)); // uncompressed size
        int nameLength = Short.toUnsignedInt(zip.getShort(at + 28));
        int extraLength = Short.toUnsignedInt(zip.getShort(at + 30));
        int commentLength = Short.toUnsignedInt(zip.getShort(at + 32));
        long local = Integer.toUnsignedLong(zip.getInt(at + 42));
        String name = new String(archive, at + 46, nameLength, StandardCharsets.UTF_8);
        at += 46 + nameLength + extraLength + commentLength;
        int slash = name.indexOf('/');
        String rest = slash < 0 ? "" : name.substring(slash + 1);
        if (!(rest.equals("data.pkl") || rest.startsWith("code/") || rest.startsWith("data/"))) {
          continue;
        }
        if (size == 0xFFFFFFFFL || stored == 0xFFFFFFFFL || local == 0xFFFFFFFFL
            || !(method == 0 && size == stored || method == 8)) {
          throw new Unsupported("a zip64 or unknown archive entry (" + name + ")");
        }
        budget -= size;
        if (budget < 0) {
          throw new Unsupported("an archive that inflates to more than four times its size");
        }
        int header = Math.toIntExact(local);
        if (zip.getInt(header) != 0x04034b50) {
          throw new Unsupported("a zip entry without its local header (" + name + ")");
        }
        int data = header + 30 + Short.toUnsignedInt(zip.getShort(header + 26))
            + Short.toUnsignedInt(zip.getShort(header + 28));
        byte[] raw = Arrays.copyOfRange(archive, data, Math.addExact(data,
            Math.toIntExact(stored)));
        entries.put(name, method == 0 ? raw : inflate(raw, Math.toIntExact(size), name));
      }
    } catch (IndexOutOfBoundsException | ArithmeticException e) {
      throw new Unsupported("a truncated zip archive");
    }
    return entries;
  }

  /** A deflated entry (torch compresses the code entries), exactly its declared size. */
  private static byte[] inflate(byte[] raw, int size, String name) throws Unsupported {
    Inflater inflater = new Inflater(true);
    try {
      inflater.setInput(raw);
      byte[] out = new byte[size];
      int n = 0;
      while (n < size && !inflater.finished()) {
        int got = inflater.inflate(out, n, size - n);
        if (got == 0 && (inflater.needsInput() || inflater.needsDictionary())) {
          break;
        }
        n += got;
      }
      // A full buffer stops the inflater before it reads the final block's end: one more call
      // must give nothing and finish, else the entry is larger than it says.
      if (n == size && !inflater.finished() && inflater.inflate(new byte[1]) > 0) {
        n++;
      }
      if (n != size || !inflater.finished()) {
        throw new Unsupported("a zip entry that does not inflate to its size (" + name + ")");
      }
      return out;
    } catch (DataFormatException e) {
      throw new Unsupported("a zip entry that does not inflate (" + name + ")");
    } finally {
      inflater.end();
    }
  }

  /** A class reference in the pickle stream. */
  private record Global(String module, String name) {}

  /** A tensor storage named by {@code BINPERSID}: its key under {@code data/} and its type. */
  private record Storage(String key, String type) {}

  /** A value the fast path never needs (hooks, ordered dicts of metadata). */
  private record Opaque(String what) {}

  private static final Object MARK = new Object();

  /** The pickle opcodes torch.jit.save writes for modules; any other refuses. */
  private static final class Unpickler {
    private final ByteBuffer in;
    private final Map<String, byte[]> entries;
    private final String prefix;
    private final Deque<Object> stack = new ArrayDeque<>();
    private final Map<Integer, Object> memo = new HashMap<>();

    Unpickler(byte[] bytes, Map<String, byte[]> entries, String prefix) {
      this.in = ByteBuffer.wrap(bytes).order(ByteOrder.LITTLE_ENDIAN);
      this.entries = entries;
      this.prefix = prefix;
    }

    Object load() throws Unsupported, IOException {
      while (in.hasRemaining()) {
        int op = in.get() & 0xff;
        switch (op) {
          case 0x80 -> in.get(); // PROTO
          case 0x95 -> in.getLong(); // FRAME
          case 'c' -> stack.push(new Global(line(), line()));
          case 'q' -> memo.put(in.get() & 0xff, stack.peek());
          case 'r' -> memo.put(in.getInt(), stack.peek());
          case 0x94 -> memo.put(memo.size(), stack.peek());
          case 'h' -> stack.push(memoGet(in.get() & 0xff));
          case 'j' -> stack.push(memoGet(in.getInt()));
          case '(' -> stack.push(MARK);
          case ')' -> stack.push(List.of());
          case ']' -> stack.push(new ArrayList<>());
          case '}' -> stack.push(new LinkedHashMap<String, Object>());
          case 'N' -> stack.push(new Opaque("None"));
          case 0x88 -> stack.push(Boolean.TRUE);
          case 0x89 -> stack.push(Boolean.FALSE);
          case 'K' -> stack.push((long) (in.get() & 0xff));
          case 'M' -> stack.push((long) (in.getShort() & 0xffff));
          case 'J' -> stack.push((long) in.getInt());
          case 'G' -> stack.push(Double.longBitsToDouble(Long.reverseBytes(in.getLong())));
          case 'X' -> stack.push(text(in.getInt()));
          case 0x8c -> stack.push(text(in.get() & 0xff));
          case 't' -> stack.push(List.copyOf(popMark()));
          case 0x85 -> stack.push(List.of(stack.pop()));
          case 0x86 -> {
            Object b = stack.pop();
            stack.push(List.of(stack.pop(), b));
          }
          case 0x87 -> {
            Object c = stack.pop();
            Object b = stack.pop();
            stack.push(List.of(stack.pop(), b, c));
          }
          case 'a' -> {
            Object v = stack.pop();
            list(stack.peek()).add(v);
          }
          case 'e' -> {
            List<Object> items = popMark();
            list(stack.peek()).addAll(items);
          }
          case 's' -> {
            Object v = stack.pop();
            Object k = stack.pop();
            dict(stack.peek()).put(String.valueOf(k), v);
          }
          case 'u' -> {
            List<Object> items = popMark();
            Map<String, Object> d = dict(stack.peek());
            for (int i = 0; i + 1 < items.size(); i += 2) {
              d.put(String.valueOf(items.get(i)), items.get(i + 1));
            }
          }
          case 0x81 -> { // NEWOBJ
            stack.pop();
            Object cls = stack.pop();
            if (!(cls instanceof Global g)) {
              throw new Unsupported("NEWOBJ of " + cls);
            }
            stack.push(new Obj(g.module() + "." + g.name(), new LinkedHashMap<>()));
          }
          case 'b' -> { // BUILD
            Object state = stack.pop();
            if (stack.peek() instanceof Obj o && state instanceof Map<?, ?> m) {
              m.forEach((k, v) -> o.state().put(String.valueOf(k), v));
            } else {
              throw new Unsupported("BUILD of " + stack.peek());
            }
          }
          case 'Q' -> stack.push(storage(stack.pop()));
          case 'R' -> {
            Object args = stack.pop();
            stack.push(reduce(stack.pop(), args));
          }
          case '.' -> {
            return stack.pop();
          }
          default -> throw new Unsupported(String.format("pickle opcode 0x%02x", op));
        }
      }
      throw new Unsupported("data.pkl ends without STOP");
    }

    private Object memoGet(int key) throws Unsupported {
      Object v = memo.get(key);
      if (v == null) {
        throw new Unsupported("pickle memo " + key + " unset");
      }
      return v;
    }

    private String line() {
      StringBuilder b = new StringBuilder();
      for (byte c = in.get(); c != '\n'; c = in.get()) {
        b.append((char) c);
      }
      return b.toString();
    }

    private String text(int length) {
      byte[] b = new byte[length];
      in.get(b);
      return new String(b, StandardCharsets.UTF_8);
    }

    private List<Object> popMark() throws Unsupported {
      List<Object> items = new ArrayList<>();
      while (!stack.isEmpty() && stack.peek() != MARK) {
        items.add(0, stack.pop());
      }
      if (stack.isEmpty()) {
        throw new Unsupported("pickle MARK missing");
      }
      stack.pop();
      return items;
    }

    @SuppressWarnings("unchecked")
    private static List<Object> list(Object o) throws Unsupported {
      if (o instanceof ArrayList<?> l) {
        return (List<Object>) l;
      }
      throw new Unsupported("APPEND to " + o);
    }

    @SuppressWarnings("unchecked")
    private static Map<String, Object> dict(Object o) throws Unsupported {
      if (o instanceof LinkedHashMap<?, ?> m) {
        return (Map<String, Object>) m;
      }
      throw new Unsupported("SETITEM on " + o);
    }

    private static Storage storage(Object pid) throws Unsupported {
      if (pid instanceof List<?> t && t.size() == 5 && "storage".equals(t.get(0))
          && t.get(1) instanceof Global g) {
        return new Storage(String.valueOf(t.get(2)), g.module() + "." + g.name());
      }
      throw new Unsupported("persistent id " + pid);
    }

    private Object reduce(Object callable, Object args) throws Unsupported, IOException {
      if (!(callable instanceof Global g) || !(args instanceof List<?> a)) {
        throw new Unsupported("REDUCE of " + callable);
      }
      String name = g.module() + "." + g.name();
      if (name.equals("torch._utils._rebuild_tensor_v2")) {
        return tensor(a);
      }
      if (name.equals("collections.OrderedDict")) {
        return new Opaque(name);
      }
      throw new Unsupported("REDUCE of " + name);
    }

    /** {@code _rebuild_tensor_v2(storage, offset, size, stride, requires_grad, hooks)}. */
    private Object tensor(List<?> a) throws Unsupported, IOException {
      if (a.size() < 4 || !(a.get(0) instanceof Storage s) || !(a.get(1) instanceof Long offset)
          || !(a.get(2) instanceof List<?> size) || !(a.get(3) instanceof List<?> stride)) {
        throw new Unsupported("tensor arguments " + a);
      }
      if (!s.type().equals("torch.FloatStorage")) {
        // e.g. batch norm's num_batches_tracked (int64): kept opaque, refused only if read.
        return new Opaque(s.type() + " tensor");
      }
      long[] shape = new long[size.size()];
      long expected = 1;
      for (int i = shape.length - 1; i >= 0; i--) {
        shape[i] = (Long) size.get(i);
        if (shape[i] > 1 && (Long) stride.get(i) != expected) {
          throw new Unsupported("a non-contiguous tensor");
        }
        expected *= shape[i];
      }
      byte[] bytes = entries.get(prefix + "data/" + s.key());
      if (bytes == null) {
        throw new Unsupported("tensor storage data/" + s.key() + " missing");
      }
      if ((offset + expected) * Float.BYTES > bytes.length) {
        throw new Unsupported("tensor storage data/" + s.key() + " too short");
      }
      float[] values = new float[Math.toIntExact(expected)];
      ByteBuffer.wrap(bytes).order(ByteOrder.LITTLE_ENDIAN)
          .position(Math.toIntExact(offset * Float.BYTES)).asFloatBuffer().get(values);
      return new Tensor(shape, values);
    }
  }
}
