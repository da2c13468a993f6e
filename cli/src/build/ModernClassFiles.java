import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.Collections;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Set;
import java.util.jar.JarEntry;
import java.util.jar.JarFile;
import java.util.jar.JarOutputStream;
import org.objectweb.asm.ClassReader;
import org.objectweb.asm.ClassVisitor;
import org.objectweb.asm.ClassWriter;
import org.objectweb.asm.Opcodes;

/**
 * Build-time only (run by the cli pom during package, never shipped): rewrites the class files of a jar
 * that are older than Java 8 (major version 52) to version 52, with stack map frames computed, in place.
 * Class-data sharing in JDK 17 cannot archive pre-Java 6 classes and verifies them with the old
 * type-inferencing verifier at every start; picocli ships Java 5 class files, so every command paid for
 * loading and verifying ~180 picocli classes. Modern classes are archived and verified once, at dump time.
 * Other entries (manifest, resources, module-info) are copied unchanged; running it twice changes nothing.
 * Usage: java ModernClassFiles.java JAR...
 */
public final class ModernClassFiles {
    private static final int TARGET = Opcodes.V1_8;

    public static void main(String[] args) throws IOException {
        if (args.length == 0) {
            System.err.println("usage: java ModernClassFiles.java JAR...");
            System.exit(2);
        }
        for (String arg : args) {
            rewrite(Path.of(arg));
        }
    }

    private static void rewrite(Path jar) throws IOException {
        Map<String, byte[]> entries = new LinkedHashMap<>();
        Map<String, JarEntry> meta = new HashMap<>();
        try (JarFile in = new JarFile(jar.toFile(), false)) {
            for (JarEntry e : Collections.list(in.entries())) {
                try (InputStream s = in.getInputStream(e)) {
                    entries.put(e.getName(), s.readAllBytes());
                }
                meta.put(e.getName(), e);
            }
        }
        Hierarchy hierarchy = new Hierarchy(entries);
        int changed = 0;
        Map<String, byte[]> out = new LinkedHashMap<>();
        for (Map.Entry<String, byte[]> e : entries.entrySet()) {
            byte[] bytes = e.getValue();
            if (e.getKey().endsWith(".class") && !e.getKey().startsWith("META-INF/") && major(bytes) < 52) {
                bytes = modernise(bytes, hierarchy);
                changed++;
            }
            out.put(e.getKey(), bytes);
        }
        if (changed == 0) {
            System.out.println("ModernClassFiles: " + jar.getFileName() + " already has modern class files");
            return;
        }
        Path tmp = jar.resolveSibling(jar.getFileName() + ".tmp");
        try (OutputStream os = Files.newOutputStream(tmp); JarOutputStream jos = new JarOutputStream(os)) {
            for (Map.Entry<String, byte[]> e : out.entrySet()) {
                JarEntry entry = new JarEntry(e.getKey());
                entry.setTime(meta.get(e.getKey()).getTime());
                jos.putNextEntry(entry);
                jos.write(e.getValue());
                jos.closeEntry();
            }
        }
        Files.move(tmp, jar, StandardCopyOption.REPLACE_EXISTING);
        System.out.println("ModernClassFiles: " + changed + " classes of " + jar.getFileName()
                + " rewritten to class-file version " + TARGET);
    }

    private static int major(byte[] classFile) {
        return ((classFile[6] & 0xff) << 8) | (classFile[7] & 0xff);
    }

    private static byte[] modernise(byte[] classFile, Hierarchy hierarchy) {
        ClassReader reader = new ClassReader(classFile);
        ClassWriter writer = new ClassWriter(ClassWriter.COMPUTE_FRAMES) {
            @Override
            protected String getCommonSuperClass(String a, String b) {
                return hierarchy.commonSuperClass(a, b);
            }
        };
        ClassVisitor bump = new ClassVisitor(Opcodes.ASM9, writer) {
            @Override
            public void visit(int version, int access, String name, String signature, String superName,
                              String[] interfaces) {
                super.visit(TARGET, access, name, signature, superName, interfaces);
            }
        };
        // frames are recomputed from scratch, so old ones (there are none below version 50) are skipped
        reader.accept(bump, ClassReader.SKIP_FRAMES);
        return writer.toByteArray();
    }

    /** Superclasses and interface flags of the jar's own classes, falling back to the JDK's for the rest. */
    private static final class Hierarchy {
        private final Map<String, String> superOf = new HashMap<>();
        private final Set<String> interfaces = new HashSet<>();

        Hierarchy(Map<String, byte[]> entries) {
            for (Map.Entry<String, byte[]> e : entries.entrySet()) {
                if (e.getKey().endsWith(".class") && !e.getKey().startsWith("META-INF/")) {
                    ClassReader r = new ClassReader(e.getValue());
                    superOf.put(r.getClassName(), r.getSuperName());
                    if ((r.getAccess() & Opcodes.ACC_INTERFACE) != 0) {
                        interfaces.add(r.getClassName());
                    }
                }
            }
        }

        String commonSuperClass(String a, String b) {
            if (isInterface(a) || isInterface(b)) {
                return "java/lang/Object";
            }
            Set<String> ancestorsOfA = new HashSet<>();
            for (String c = a; c != null; c = superName(c)) {
                ancestorsOfA.add(c);
            }
            for (String c = b; c != null; c = superName(c)) {
                if (ancestorsOfA.contains(c)) {
                    return c;
                }
            }
            return "java/lang/Object";
        }

        private boolean isInterface(String name) {
            if (superOf.containsKey(name)) {
                return interfaces.contains(name);
            }
            return jdkClass(name).isInterface();
        }

        private String superName(String name) {
            if (superOf.containsKey(name)) {
                return superOf.get(name);
            }
            Class<?> sup = jdkClass(name).getSuperclass();
            return sup == null ? null : sup.getName().replace('.', '/');
        }

        private static Class<?> jdkClass(String internalName) {
            try {
                return Class.forName(internalName.replace('/', '.'), false, ClassLoader.getPlatformClassLoader());
            } catch (ClassNotFoundException e) {
                throw new IllegalStateException("cannot resolve " + internalName
                        + " for stack map frames: neither in the jar nor in the JDK", e);
            }
        }
    }
}
