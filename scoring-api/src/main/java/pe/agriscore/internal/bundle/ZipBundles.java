package pe.agriscore.internal.bundle;

import java.io.IOException;
import java.io.OutputStream;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.channels.FileChannel;
import java.nio.charset.CharacterCodingException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.zip.CRC32;
import java.util.zip.DataFormatException;
import java.util.zip.Inflater;
import pe.agriscore.scoring.BundleException;
import pe.agriscore.scoring.BundleLimits;

/**
 * Extracts a zip bundle with every {@link BundleLimits} limit enforced while streaming: no byte
 * beyond a limit is written. The central directory is read first and every entry is judged
 * before anything is extracted: names ({@link BundlePaths}), duplicates, symbolic links, entry
 * count, encryption and compression method. Entries are then inflated here (stored or
 * deflated), so the bytes read, the bytes written and the CRC are all under this class's
 * control.
 */
final class ZipBundles {

  private static final int EOCD = 0x06054b50;
  private static final int CEN = 0x02014b50;
  private static final int LOC = 0x04034b50;
  private static final int STORED = 0;
  private static final int DEFLATED = 8;
  /** Below this many inflated bytes an entry's compression ratio is not judged. */
  private static final long RATIO_GRACE_BYTES = 1L << 20;
  private static final int MAX_CENTRAL_DIRECTORY = 64 << 20;

  private ZipBundles() {}

  private record Entry(String name, boolean directory, int method, long crc, long compressed,
      long size, long localOffset) {}

  /**
   * Extracts {@code zip} into the empty directory {@code target}.
   *
   * @throws BundleException naming the zip file and the entry at fault; the caller deletes
   *     {@code target}
   */
  static void extract(Path zip, Path target, BundleLimits limits) {
    String label = zip.getFileName().toString();
    try (FileChannel ch = FileChannel.open(zip, StandardOpenOption.READ)) {
      List<Entry> entries = centralDirectory(ch, label, limits);
      long total = 0;
      for (Entry e : entries) {
        Path out = target.resolve(e.name());
        if (e.directory()) {
          Files.createDirectories(out);
          continue;
        }
        Files.createDirectories(out.getParent());
        total += extractEntry(ch, e, out, label, limits, total);
      }
    } catch (IOException e) {
      throw new BundleException(label, "cannot extract: " + e.getMessage(), e);
    }
  }

  private static List<Entry> centralDirectory(FileChannel ch, String label, BundleLimits limits)
      throws IOException {
    long size = ch.size();
    int tailLength = (int) Math.min(size, 22 + 0xFFFF);
    ByteBuffer tail = read(ch, size - tailLength, tailLength);
    int eocd = -1;
    for (int i = tailLength - 22; i >= 0; i--) {
      if (tail.getInt(i) == EOCD && i + 22 + (tail.getShort(i + 20) & 0xFFFF) == tailLength) {
        eocd = i;
        break;
      }
    }
    if (eocd < 0) {
      boolean local = size >= 4 && read(ch, 0, 4).getInt(0) == LOC;
      throw new BundleException(label, local
          ? "is a damaged zip file: its central directory is missing (truncated?)"
          : "is not a zip file and not a bundle directory");
    }
    int disk = tail.getShort(eocd + 4) & 0xFFFF;
    int cdDisk = tail.getShort(eocd + 6) & 0xFFFF;
    int onDisk = tail.getShort(eocd + 8) & 0xFFFF;
    int count = tail.getShort(eocd + 10) & 0xFFFF;
    long cdSize = tail.getInt(eocd + 12) & 0xFFFFFFFFL;
    long cdOffset = tail.getInt(eocd + 16) & 0xFFFFFFFFL;
    if (count == 0xFFFF || cdSize == 0xFFFFFFFFL || cdOffset == 0xFFFFFFFFL) {
      throw new BundleException(label, "is a zip64 archive, which bundles may not be");
    }
    if (disk != 0 || cdDisk != 0 || onDisk != count) {
      throw new BundleException(label, "is a multi-volume zip archive, which bundles may not be");
    }
    if (count > limits.maxEntries()) {
      throw new BundleException(label, "has " + count + " entries, more than the limit of "
          + limits.maxEntries() + " (BundleLimits.maxEntries)");
    }
    long eocdPosition = size - tailLength + eocd;
    if (cdOffset + cdSize > eocdPosition || cdSize > MAX_CENTRAL_DIRECTORY) {
      throw new BundleException(label, "is a damaged zip file: its central directory lies"
          + " outside the file");
    }
    ByteBuffer cd = read(ch, cdOffset, (int) cdSize);
    List<Entry> entries = new ArrayList<>(count);
    Set<String> names = new HashSet<>();
    long declared = 0;
    int p = 0;
    for (int i = 0; i < count; i++) {
      if (p + 46 > cdSize || cd.getInt(p) != CEN) {
        throw new BundleException(label, "is a damaged zip file: central directory entry " + i
            + " is corrupt");
      }
      int madeBy = cd.getShort(p + 4) & 0xFFFF;
      int flags = cd.getShort(p + 8) & 0xFFFF;
      int method = cd.getShort(p + 10) & 0xFFFF;
      long crc = cd.getInt(p + 16) & 0xFFFFFFFFL;
      long compressed = cd.getInt(p + 20) & 0xFFFFFFFFL;
      long uncompressed = cd.getInt(p + 24) & 0xFFFFFFFFL;
      int nameLength = cd.getShort(p + 28) & 0xFFFF;
      int extraLength = cd.getShort(p + 30) & 0xFFFF;
      int commentLength = cd.getShort(p + 32) & 0xFFFF;
      long attributes = cd.getInt(p + 38) & 0xFFFFFFFFL;
      long localOffset = cd.getInt(p + 42) & 0xFFFFFFFFL;
      if (p + 46 + nameLength > cdSize) {
        throw new BundleException(label, "is a damaged zip file: central directory entry " + i
            + " is corrupt");
      }
      byte[] nameBytes = new byte[nameLength];
      cd.get(p + 46, nameBytes);
      p += 46 + nameLength + extraLength + commentLength;
      String raw = decodeName(nameBytes, label, i);
      boolean directory = raw.endsWith("/");
      String name = directory ? raw.substring(0, raw.length() - 1) : raw;
      String problem = BundlePaths.problem(name);
      if (problem != null) {
        throw new BundleException(label, "entry '" + BundlePaths.display(raw)
            + "' is not a valid bundle path: it " + problem);
      }
      if (!names.add(name)) {
        throw new BundleException(label, "has a duplicate entry '" + BundlePaths.display(raw)
            + "': a bundle file may appear only once");
      }
      int unixType = (madeBy >>> 8) == 3 ? (int) (attributes >>> 16) & 0xF000 : 0;
      if (unixType == 0xA000) {
        throw new BundleException(label, "entry '" + BundlePaths.display(raw)
            + "' is a symbolic link: bundles may not contain symbolic links");
      }
      if (unixType != 0 && unixType != 0x8000 && unixType != 0x4000) {
        throw new BundleException(label, "entry '" + BundlePaths.display(raw)
            + "' is neither a regular file nor a directory");
      }
      if ((flags & 1) != 0) {
        throw new BundleException(label, "entry '" + BundlePaths.display(raw)
            + "' is encrypted, which bundles may not be");
      }
      if (!directory && method != STORED && method != DEFLATED) {
        throw new BundleException(label, "entry '" + BundlePaths.display(raw)
            + "' uses compression method " + method + "; bundles use stored or deflated");
      }
      if (uncompressed > limits.maxEntryBytes()) {
        throw entryTooLarge(label, raw, limits);
      }
      declared += uncompressed;
      if (declared > limits.maxExtractedBytes()) {
        throw totalTooLarge(label, limits);
      }
      entries.add(new Entry(name, directory, method, crc, compressed, uncompressed,
          localOffset));
    }
    return entries;
  }

  private static String decodeName(byte[] bytes, String label, int index) {
    try {
      return Checksums.strictUtf8(bytes);
    } catch (CharacterCodingException e) {
      throw new BundleException(label, "entry " + index + " has a name that is not valid UTF-8");
    }
  }

  /** Writes one entry; returns its size. */
  private static long extractEntry(FileChannel ch, Entry e, Path out, String label,
      BundleLimits limits, long totalBefore) throws IOException {
    ByteBuffer local = read(ch, e.localOffset(), 30);
    if (local.getInt(0) != LOC) {
      throw new BundleException(label, "is a damaged zip file: entry '" + e.name()
          + "' has no local header");
    }
    long dataStart = e.localOffset() + 30 + (local.getShort(26) & 0xFFFF)
        + (local.getShort(28) & 0xFFFF);
    if (dataStart + e.compressed() > ch.size()) {
      throw new BundleException(label, "is a damaged zip file: entry '" + e.name()
          + "' extends past the end of the file");
    }
    if (e.method() == STORED && e.compressed() != e.size()) {
      throw new BundleException(label, "is a damaged zip file: stored entry '" + e.name()
          + "' has different compressed and uncompressed sizes");
    }
    CRC32 crc = new CRC32();
    long written = 0;
    long[] cursor = {dataStart, e.compressed()};
    Inflater inflater = e.method() == DEFLATED ? new Inflater(true) : null;
    ByteBuffer in = ByteBuffer.allocate(1 << 16);
    byte[] buf = inflater == null ? in.array() : new byte[1 << 16];
    try (OutputStream os = Files.newOutputStream(out, StandardOpenOption.CREATE_NEW,
        StandardOpenOption.WRITE)) {
      while (true) {
        int n;
        if (inflater == null) {
          if (cursor[1] == 0) {
            break;
          }
          n = readCompressed(ch, in, cursor, label, e);
        } else {
          if (inflater.finished()) {
            break;
          }
          if (inflater.needsInput()) {
            inflater.setInput(in.array(), 0, readCompressed(ch, in, cursor, label, e));
          }
          long readBefore = inflater.getBytesRead();
          try {
            n = inflater.inflate(buf);
          } catch (DataFormatException ex) {
            throw new BundleException(label, "is a damaged zip file: entry '" + e.name()
                + "' does not inflate: " + ex.getMessage(), ex);
          }
          if (n == 0 && (inflater.needsDictionary() || !inflater.needsInput()
              && !inflater.finished() && inflater.getBytesRead() == readBefore)) {
            throw new BundleException(label, "is a damaged zip file: entry '" + e.name()
                + "' does not inflate");
          }
        }
        long next = written + n;
        if (next > limits.maxEntryBytes()) {
          throw entryTooLarge(label, e.name(), limits);
        }
        if (totalBefore + next > limits.maxExtractedBytes()) {
          throw totalTooLarge(label, limits);
        }
        if (inflater != null && next > RATIO_GRACE_BYTES
            && next > limits.maxCompressionRatio() * Math.max(1, inflater.getBytesRead())) {
          throw new BundleException(label, "entry '" + e.name() + "' inflates more than "
              + limits.maxCompressionRatio() + " times its compressed size, more than the limit"
              + " (BundleLimits.maxCompressionRatio): refused as a zip bomb");
        }
        os.write(buf, 0, n);
        crc.update(buf, 0, n);
        written = next;
      }
    } finally {
      if (inflater != null) {
        inflater.end();
      }
    }
    if (written != e.size() || crc.getValue() != e.crc()) {
      throw new BundleException(label, "is a damaged zip file: entry '" + e.name()
          + "' does not match its recorded size and CRC");
    }
    return written;
  }

  /** Reads the entry's next compressed bytes into {@code in}; cursor = {position, remaining}. */
  private static int readCompressed(FileChannel ch, ByteBuffer in, long[] cursor, String label,
      Entry e) throws IOException {
    in.clear().limit((int) Math.min(in.capacity(), cursor[1]));
    int r = cursor[1] == 0 ? -1 : ch.read(in, cursor[0]);
    if (r <= 0) {
      throw new BundleException(label, "is a damaged zip file: entry '" + e.name()
          + "' is truncated");
    }
    cursor[0] += r;
    cursor[1] -= r;
    return r;
  }

  private static BundleException entryTooLarge(String label, String entry, BundleLimits limits) {
    return new BundleException(label, "entry '" + BundlePaths.display(entry)
        + "' is larger than the limit of " + limits.maxEntryBytes()
        + " bytes (BundleLimits.maxEntryBytes)");
  }

  private static BundleException totalTooLarge(String label, BundleLimits limits) {
    return new BundleException(label, "extracts to more than the limit of "
        + limits.maxExtractedBytes() + " bytes (BundleLimits.maxExtractedBytes)");
  }

  private static ByteBuffer read(FileChannel ch, long position, int length) throws IOException {
    ByteBuffer b = ByteBuffer.allocate(length).order(ByteOrder.LITTLE_ENDIAN);
    while (b.hasRemaining()) {
      if (ch.read(b, position + b.position()) < 0) {
        throw new IOException("unexpected end of file");
      }
    }
    return b.flip();
  }
}
