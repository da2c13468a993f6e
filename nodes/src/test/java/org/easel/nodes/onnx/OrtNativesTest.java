package org.easel.nodes.onnx;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class OrtNativesTest {
    @TempDir
    Path cache;

    @Test
    void unpacksOnceAndAgainWhenDamaged() throws Exception {
        Path dir = OrtNatives.unpack(cache);
        assertNotNull(dir, "the runtime jar on the class path holds this platform's libraries");
        Path lib = dir.resolve(System.mapLibraryName("onnxruntime"));
        assertTrue(Files.size(lib) > 1_000_000, "the runtime library itself: " + lib);
        assertTrue(Files.isRegularFile(dir.resolve(System.mapLibraryName("onnxruntime4j_jni"))));
        assertTrue(dir.getFileName().toString().startsWith("onnxruntime-" + OrtNatives.platform() + "-"));

        FileTime before = Files.getLastModifiedTime(lib);
        Thread.sleep(20);
        assertEquals(dir, OrtNatives.unpack(cache), "the same jar, the same folder");
        assertEquals(before, Files.getLastModifiedTime(lib), "nothing written the second time");

        Files.write(lib, new byte[10]);                    // a damaged copy is replaced
        assertEquals(dir, OrtNatives.unpack(cache));
        assertTrue(Files.size(lib) > 1_000_000);
        try (Stream<Path> s = Files.list(cache)) {
            List<Path> left = s.toList();
            assertEquals(List.of(dir), left, "no temporary folders left behind");
        }
    }
}
