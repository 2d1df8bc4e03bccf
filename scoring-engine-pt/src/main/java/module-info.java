/**
 * The scoring engine {@code pytorch}: scores TorchScript bundles with libtorch through DJL,
 * offline. Found by {@code pe.agriscore}'s {@link java.util.ServiceLoader} through its {@code
 * provides}:
 *
 * <pre>{@code
 * module com.example.loans {
 *   requires pe.agriscore;
 *   requires pe.agriscore.engine.pt;
 * }
 * }</pre>
 *
 * <p>DJL's jars are automatic modules ({@code ai.djl.api}, {@code ai.djl.pytorch_engine}, {@code
 * ai.djl.pytorch_jni}). The libtorch jar ({@code pytorch-native-cpu}) declares the
 * Automatic-Module-Name {@code ai.djl.pytorch_native_cpu_linux-x86_64}, which is not a valid
 * module name, so it cannot be on the module path: put it on the class path, where DJL finds its
 * resources (see {@code docs/engines.md}).
 *
 * @provides pe.agriscore.engine.ScoringEngine the {@code pytorch} engine
 */
module pe.agriscore.engine.pt {
  requires pe.agriscore;
  requires ai.djl.api;
  requires ai.djl.pytorch_engine;
  requires org.slf4j;

  exports pe.agriscore.engine.pt;

  provides pe.agriscore.engine.ScoringEngine with pe.agriscore.engine.pt.PyTorchEngine;
}
