package org.easel.nodes.onnx;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.easel.engine.Environment;
import org.easel.engine.NodeException;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ModelFoldersTest {
    @TempDir
    Path home;

    @Test
    void oneListForLoadersAndTheModelsRoute() throws Exception {
        Environment env = Environment.under(home, "cpu");
        assertEquals(ModelFolders.FOLDERS.stream().sorted().toList(), ModelFolders.folders(env), "no models folder yet");
        Path ckpt = Files.createDirectories(home.resolve("models/checkpoints"));
        Files.createDirectories(ckpt.resolve("export/transformer"));
        Files.writeString(ckpt.resolve("export/model_index.json"), "{}");
        Files.writeString(ckpt.resolve("export/transformer/model.onnx"), "x");
        Files.createDirectories(ckpt.resolve("sd"));
        Files.writeString(ckpt.resolve("sd/a.onnx"), "x");
        Files.writeString(ckpt.resolve("b.safetensors"), "x");     // nothing can load it: not listed
        Files.writeString(ckpt.resolve("readme.txt"), "x");
        Files.createDirectories(ckpt.resolve(".cache"));
        Files.writeString(ckpt.resolve(".cache/c.onnx"), "x");
        Files.createDirectories(home.resolve("models/my_folder"));
        Files.createDirectories(home.resolve("models/.hidden"));

        assertEquals(List.of("export", "sd/a.onnx"), ModelFolders.list(env, "checkpoints"));
        List<String> folders = ModelFolders.folders(env);
        assertTrue(folders.contains("my_folder") && folders.contains("checkpoints") && !folders.contains(".hidden"), folders.toString());
        assertEquals(List.of(), ModelFolders.list(env, "vae"));

        assertEquals(ckpt.resolve("sd/a.onnx"), ModelFolders.resolve(env, "checkpoints", "sd/a.onnx"));
        assertThrows(NodeException.class, () -> ModelFolders.resolve(env, "checkpoints", "../../secret"));
        assertThrows(NodeException.class, () -> ModelFolders.resolve(env, "checkpoints", "missing.onnx"));
    }
}
