/**
 * The scoring engine {@code tensorflow}: scores SavedModel bundles with TensorFlow through DJL,
 * offline. Found by {@code pe.agriscore}'s {@link java.util.ServiceLoader} through its {@code
 * provides}; an application requires nothing of it but its presence:
 *
 * <pre>{@code
 * module com.example.loans {
 *   requires pe.agriscore;
 *   requires pe.agriscore.engine.tf;
 * }
 * }</pre>
 *
 * <p>DJL's jars are automatic modules (named by their {@code Automatic-Module-Name}); the native
 * jar {@code tensorflow.nativelib.linux.x86_64} holds only resources and is resolved with the
 * other automatic modules, so another platform's classifier can replace it without a change here.
 *
 * @provides pe.agriscore.engine.ScoringEngine the {@code tensorflow} engine
 */
module pe.agriscore.engine.tf {
  requires pe.agriscore;
  requires ai.djl.api;
  requires ai.djl.tensorflow_api;
  requires ai.djl.tensorflow_engine;
  requires com.sun.jna;
  // DJL's TensorFlow engine loads its JNI glue through JavaCPP, an explicit module that nothing
  // else in the graph requires: without this it is not resolved on the module path.
  requires org.bytedeco.javacpp;
  requires org.slf4j;

  exports pe.agriscore.engine.tf;

  provides pe.agriscore.engine.ScoringEngine with pe.agriscore.engine.tf.TensorFlowEngine;
}
