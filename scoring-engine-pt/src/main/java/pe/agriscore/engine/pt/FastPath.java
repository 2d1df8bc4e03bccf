package pe.agriscore.engine.pt;

import java.io.IOException;
import pe.agriscore.engine.ModelFiles;
import pe.agriscore.engine.ScoringModel;
import pe.agriscore.engine.internal.FastPaths;
import pe.agriscore.engine.pt.TorchScriptArchive.Unsupported;

/**
 * The JVM fast path for TorchScript: reads the loaded module's network ({@link
 * TorchScriptNetwork#read}) and lets {@link FastPaths} check it against libtorch and choose the
 * path, by {@value PyTorchEngine#FAST_PATH}.
 *
 * <p>Why {@value FastPaths#TOLERANCE} holds for a network read right: libtorch computes in
 * float32, whose rounding is about 6e-8 relative per operation, and the network in double from
 * the same float32 weights; on 100,000 random rows of the reference MLP the largest measured
 * difference is 5.7e-7. Where libtorch's own float32 rounding exceeds the tolerance (seen on a
 * 12-64-64 MLP with large inputs), the check fails and libtorch serves.
 */
final class FastPath {

  /** The largest absolute difference in probability the check accepts. */
  static final double TOLERANCE = FastPaths.TOLERANCE;

  static final FastPaths.Engine ENGINE = FastPaths.Engine.of("libtorch", PyTorchEngine.FAST_PATH);

  private FastPath() {}

  /**
   * The model that serves {@code files}: the fast path if {@code mode} allows and the check
   * passes (then the native model is closed), otherwise {@code nativeModel}.
   *
   * @throws pe.agriscore.scoring.BundleException with {@code on}, naming the file, if the network
   *     is not supported or disagrees
   */
  static ScoringModel choose(TorchScriptModel nativeModel, ModelFiles files, byte[] archive,
      FastPaths.Mode mode) {
    return FastPaths.choose(ENGINE, nativeModel, files, mode, () -> {
      try {
        return TorchScriptNetwork.read(TorchScriptArchive.read(archive),
            nativeModel.parameters(), files.inputWidth());
      } catch (Unsupported | IOException e) {
        throw new FastPaths.Unsupported(e.getMessage());
      }
    });
  }
}
