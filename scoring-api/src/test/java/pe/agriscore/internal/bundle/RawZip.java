package pe.agriscore.internal.bundle;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.zip.CRC32;
import java.util.zip.Deflater;

/**
 * Writes zip files byte by byte, including what {@link java.util.zip.ZipOutputStream} refuses to
 * write: any name bytes, duplicate names, Unix symlink attributes, the encryption flag and
 * central-directory sizes that lie. Test code, independent of the extractor under test.
 */
final class RawZip {

  /** One entry; {@code declaredSize} overrides the recorded uncompressed size when >= 0. */
  record Entry(byte[] name, Content content, boolean deflate, int unixMode, boolean encrypted,
      long declaredSize) {}

  /** The bytes of an entry, produced in chunks so that a bomb never sits in memory. */
  interface Content {
    long size();

    /** Writes the content into {@code sink} chunk by chunk. */
    void writeTo(Chunks sink) throws IOException;
  }

  interface Chunks {
    void accept(byte[] b, int off, int len) throws IOException;
  }

  static Content bytes(byte[] data) {
    return new Content() {
      public long size() {
        return data.length;
      }

      public void writeTo(Chunks sink) throws IOException {
        sink.accept(data, 0, data.length);
      }
    };
  }

  /** {@code n} zero bytes, a multiple of 1 MiB, deflated in milliseconds (see {@link Zeros}). */
  static Content zeros(long n) {
    if (n % ZERO_BLOCK != 0) {
      throw new IllegalArgumentException("zeros come in blocks of 1 MiB");
    }
    return new Zeros(n);
  }

  private static final int ZERO_BLOCK = 1 << 20;

  /**
   * Zeros. Deflated with a full flush after every MiB, each MiB after the first compresses to
   * the same bytes, so a 3 GiB bomb is written by repeating one small chunk instead of deflating
   * 3 GiB (the extractor under test still inflates every byte it writes).
   */
  private record Zeros(long size) implements Content {
    public void writeTo(Chunks sink) throws IOException {
      byte[] block = new byte[ZERO_BLOCK];
      for (long left = size; left > 0; left -= block.length) {
        sink.accept(block, 0, block.length);
      }
    }

    void deflateTo(OutputStream out, CRC32 crc) throws IOException {
      byte[] block = new byte[ZERO_BLOCK];
      Deflater deflater = new Deflater(Deflater.BEST_COMPRESSION, true);
      byte[] first = flushed(deflater, block);
      byte[] repeated = flushed(deflater, block);
      if (!Arrays.equals(repeated, flushed(deflater, block))) {
        throw new IllegalStateException("deflate output of zeros is not periodic");
      }
      deflater.finish();
      byte[] buf = new byte[1024];
      ByteArrayOutputStream end = new ByteArrayOutputStream();
      while (!deflater.finished()) {
        end.write(buf, 0, deflater.deflate(buf));
      }
      deflater.end();
      // A full flush resets the deflater, so the closing block is the same after any of them.
      out.write(first);
      for (long i = 1; i < size / ZERO_BLOCK; i++) {
        out.write(repeated);
      }
      out.write(end.toByteArray());
      for (long i = 0; i < size / ZERO_BLOCK; i++) {
        crc.update(block);
      }
    }

    private static byte[] flushed(Deflater deflater, byte[] block) {
      deflater.setInput(block);
      ByteArrayOutputStream out = new ByteArrayOutputStream();
      byte[] buf = new byte[1 << 16];
      int n;
      do {
        n = deflater.deflate(buf, 0, buf.length, Deflater.FULL_FLUSH);
        out.write(buf, 0, n);
      } while (n == buf.length || !deflater.needsInput());
      return out.toByteArray();
    }
  }

  private RawZip() {}

  private record Written(Entry entry, long crc, long compressed, long size, long offset) {}

  static void write(Path file, List<Entry> entries) throws IOException {
    List<Written> written = new ArrayList<>();
    try (OutputStream raw = Files.newOutputStream(file)) {
      long[] position = {0};
      for (Entry e : entries) {
        CRC32 crc = new CRC32();
        Path data = Files.createTempFile("rawzip", ".bin");
        long compressed;
        try (OutputStream d = Files.newOutputStream(data)) {
          if (e.deflate() && e.content() instanceof Zeros z) {
            z.deflateTo(d, crc);
          } else {
            store(e, d, crc);
          }
        }
        compressed = Files.size(data);
        long size = e.declaredSize() >= 0 ? e.declaredSize() : e.content().size();
        long offset = position[0];
        ByteBuffer h = le(30 + e.name().length);
        h.putInt(0x04034b50).putShort((short) 20).putShort(flags(e))
            .putShort((short) (e.deflate() ? 8 : 0)).putInt(0).putInt((int) crc.getValue())
            .putInt((int) compressed).putInt((int) size).putShort((short) e.name().length)
            .putShort((short) 0).put(e.name());
        raw.write(h.array());
        Files.copy(data, raw);
        Files.delete(data);
        position[0] += h.capacity() + compressed;
        written.add(new Written(e, crc.getValue(), compressed, size, offset));
      }
      long cdStart = position[0];
      long cdSize = 0;
      for (Written w : written) {
        Entry e = w.entry();
        ByteBuffer c = le(46 + e.name().length);
        c.putInt(0x02014b50).putShort((short) (e.unixMode() != 0 ? 0x0314 : 20))
            .putShort((short) 20).putShort(flags(e)).putShort((short) (e.deflate() ? 8 : 0))
            .putInt(0).putInt((int) w.crc()).putInt((int) w.compressed()).putInt((int) w.size())
            .putShort((short) e.name().length).putShort((short) 0).putShort((short) 0)
            .putShort((short) 0).putShort((short) 0).putInt(e.unixMode() << 16)
            .putInt((int) w.offset()).put(e.name());
        raw.write(c.array());
        cdSize += c.capacity();
      }
      ByteBuffer end = le(22);
      end.putInt(0x06054b50).putShort((short) 0).putShort((short) 0)
          .putShort((short) written.size()).putShort((short) written.size()).putInt((int) cdSize)
          .putInt((int) cdStart).putShort((short) 0);
      raw.write(end.array());
    }
  }

  /** Writes the entry's content, deflated unless stored, updating {@code crc}. */
  private static void store(Entry e, OutputStream d, CRC32 crc) throws IOException {
    Deflater deflater = new Deflater(Deflater.BEST_COMPRESSION, true);
    byte[] out = new byte[1 << 16];
    e.content().writeTo((b, off, len) -> {
      crc.update(b, off, len);
      if (!e.deflate()) {
        d.write(b, off, len);
        return;
      }
      deflater.setInput(b, off, len);
      while (!deflater.needsInput()) {
        d.write(out, 0, deflater.deflate(out));
      }
    });
    if (e.deflate()) {
      deflater.finish();
      while (!deflater.finished()) {
        d.write(out, 0, deflater.deflate(out));
      }
    }
    deflater.end();
  }

  private static short flags(Entry e) {
    return (short) ((e.encrypted() ? 1 : 0) | 0x800);
  }

  private static ByteBuffer le(int n) {
    return ByteBuffer.allocate(n).order(ByteOrder.LITTLE_ENDIAN);
  }
}
