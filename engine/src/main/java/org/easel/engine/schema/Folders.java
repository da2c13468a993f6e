package org.easel.engine.schema;

import java.nio.file.Path;

/**
 * The folders a combo input lists its choices from (model files, input images): implemented by the
 * engine's {@code Environment}, so that schemas need nothing else from it.
 */
public interface Folders {
    Path modelsDir();
    Path inputDir();
    Path outputDir();
    Path tempDir();
    Path userDir();
}
