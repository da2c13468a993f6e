package org.easel.nodes.onnx;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.util.List;
import java.util.stream.Stream;
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

    @Test
    void theListFollowsChangesToTheFolders() throws Exception {
        // the listing is remembered between validations; any change below the folder must still show at once
        Environment env = Environment.under(home, "cpu");
        Path te = Files.createDirectories(home.resolve("models/text_encoders"));
        Files.writeString(te.resolve("a.onnx"), "x");
        age(te);                          // an hour old: listings are reused until a directory changes
        assertEquals(List.of("a.onnx"), ModelFolders.list(env, "text_encoders"));
        assertEquals(List.of("a.onnx"), ModelFolders.list(env, "text_encoders"));
        Files.writeString(te.resolve("b.onnx"), "x");
        assertEquals(List.of("a.onnx", "b.onnx"), ModelFolders.list(env, "text_encoders"), "a file added");
        Files.createDirectories(te.resolve("deep/er"));
        age(te);
        assertEquals(List.of("a.onnx", "b.onnx"), ModelFolders.list(env, "text_encoders"));
        Files.writeString(te.resolve("deep/er/c.onnx"), "x");
        assertEquals(List.of("a.onnx", "b.onnx", "deep/er/c.onnx"), ModelFolders.list(env, "text_encoders"), "a file added two levels down");
        Files.createDirectories(te.resolve("clip_g"));
        Files.writeString(te.resolve("clip_g/model.onnx"), "x");
        assertEquals(List.of("a.onnx", "b.onnx", "clip_g", "deep/er/c.onnx"), ModelFolders.list(env, "text_encoders"), "an export folder completed");
        age(te);
        assertEquals(4, ModelFolders.list(env, "text_encoders").size());
        Files.delete(te.resolve("a.onnx"));
        Files.move(te.resolve("deep/er/c.onnx"), te.resolve("deep/er/d.onnx"));
        List<String> l = ModelFolders.list(env, "text_encoders");
        assertEquals(List.of("b.onnx", "clip_g", "deep/er/d.onnx"), l, "a file removed and one renamed");
        l.clear();
        assertEquals(3, ModelFolders.list(env, "text_encoders").size(), "callers get their own copy");
    }

    /** Sets every directory's time an hour back, as if nothing had changed for a while. */
    private static void age(Path dir) throws IOException {
        FileTime old = FileTime.fromMillis(System.currentTimeMillis() - 3_600_000);
        try (Stream<Path> s = Files.walk(dir)) {
            for (Path p : s.filter(Files::isDirectory).toList()) Files.setLastModifiedTime(p, old);
        }
    }
}
