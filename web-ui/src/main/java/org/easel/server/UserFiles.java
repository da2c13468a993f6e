package org.easel.server;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.FileTime;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.easel.engine.Json;

/**
 * The user's files, ComfyUI's user manager in single-user mode: everything under {@code <user>/default/}
 * (workflows in {@code workflows/*.json}, settings in {@code comfy.settings.json}). Every path is relative,
 * checked segment by segment, and must really (after symlinks) stay inside that folder. Blocking.
 */
final class UserFiles {
    static final String USER = "default";
    private static final Pattern DRIVE = Pattern.compile("^[A-Za-z]:.*");

    private final Path root;
    private final Object settingsLock = new Object();

    UserFiles(Path userDir) {
        this.root = userDir.resolve(USER).toAbsolutePath().normalize();
    }

    Path root() throws IOException {
        Files.createDirectories(root);
        return root.toRealPath();
    }

    /**
     * {@code POST /users}, as ComfyUI without {@code --multi-user}: the name (runs of characters other than
     * letters, digits, '-' and '_' become '-') is recorded with a new id in {@code <user>/users.json} and the id
     * returned; requests are still served as the single {@code default} user.
     */
    String addUser(String username) throws IOException {
        String name = username == null ? "" : username.strip().replaceAll("[^a-zA-Z0-9_-]+", "-");
        if (name.isEmpty()) throw HttpError.of(400, "username not provided");
        synchronized (settingsLock) {
            Path file = root.getParent().resolve("users.json");
            ObjectNode users = Files.exists(file) && Json.parse(Files.readString(file)) instanceof ObjectNode o
                    ? o : Json.MAPPER.createObjectNode();
            for (JsonNode existing : users) {
                if (existing.asText().equals(name)) throw HttpError.of(400, "Duplicate username.");
            }
            String id = name + "_" + UUID.randomUUID();
            users.put(id, name);
            Files.createDirectories(file.getParent());
            Path tmp = file.resolveSibling("users.json.tmp");
            Files.writeString(tmp, Json.MAPPER.writerWithDefaultPrettyPrinter().writeValueAsString(users));
            Files.move(tmp, file, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
            return id;
        }
    }

    /** The file or folder {@code rel} inside the user's folder; 403 for anything that could leave it. */
    Path resolve(String rel) throws IOException {
        if (rel == null || rel.isEmpty()) throw HttpError.of(400, "no path given");
        if (rel.indexOf('\0') >= 0 || rel.indexOf('\\') >= 0 || rel.startsWith("/") || DRIVE.matcher(rel).matches()) {
            throw HttpError.of(403, "invalid path");
        }
        for (String seg : rel.split("/")) {
            if (seg.equals("..")) throw HttpError.of(403, "invalid path");
            for (int i = 0; i < seg.length(); i++) if (seg.charAt(i) < 0x20 || seg.charAt(i) == 0x7f) throw HttpError.of(403, "invalid path");
        }
        Path base = root();
        Path p = base.resolve(rel).normalize();
        if (!p.startsWith(base) || p.equals(base)) throw HttpError.of(403, "invalid path");
        // the deepest existing ancestor (or the path itself) must really lie inside
        Path existing = p;
        while (existing != null && !Files.exists(existing, LinkOption.NOFOLLOW_LINKS)) existing = existing.getParent();
        if (existing == null || !existing.toRealPath().startsWith(base)) throw HttpError.of(403, "invalid path");
        if (Files.isSymbolicLink(p) && !p.toRealPath().startsWith(base)) throw HttpError.of(403, "invalid path");
        return p;
    }

    String relative(Path p) throws IOException {
        return root().relativize(p).toString().replace('\\', '/');
    }

    Map<String, Object> info(Path p, Path relativeTo) throws IOException {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("path", relativeTo.relativize(p).toString().replace('\\', '/'));
        m.put("size", Files.size(p));
        m.put("modified", Files.getLastModifiedTime(p).toMillis());
        Object created = Files.getAttribute(p, "creationTime");
        m.put("created", created instanceof FileTime ft ? ft.toMillis() : Files.getLastModifiedTime(p).toMillis());
        return m;
    }

    /** {@code GET /userdata?dir=…}: the files (not folders) of a folder, as paths, path parts or file info. */
    List<Object> list(String dir, boolean recurse, boolean fullInfo, boolean split) throws IOException {
        if (dir == null || dir.isEmpty()) throw HttpError.of(400, "Directory not provided");
        Path d = resolve(dir);
        if (!Files.exists(d)) throw HttpError.of(404, "Directory not found");
        if (!Files.isDirectory(d)) return List.of();
        Path real = d.toRealPath();
        List<Object> out = new ArrayList<>();
        try (Stream<Path> s = recurse ? Files.walk(real, 32) : Files.list(real)) {
            for (Path f : s.filter(Files::isRegularFile).filter(f -> f.toAbsolutePath().normalize().startsWith(real)).sorted().toList()) {
                if (!insideReal(f)) continue;
                String rel = real.relativize(f).toString().replace('\\', '/');
                if (fullInfo) {
                    out.add(info(f, real));
                } else if (split) {
                    List<String> parts = new ArrayList<>();
                    parts.add(rel);
                    parts.addAll(List.of(rel.split("/")));
                    out.add(parts);
                } else {
                    out.add(rel);
                }
            }
        }
        return out;
    }

    private boolean insideReal(Path f) {
        try {
            return f.toRealPath().startsWith(root());
        } catch (IOException e) {
            return false;
        }
    }

    /** {@code GET /v2/userdata?path=…}: the folders and files below a folder, folders first, by name. */
    List<Map<String, Object>> listV2(String rel) throws IOException {
        Path base = root();
        Path d = rel == null || rel.isEmpty() ? base : resolve(rel);
        if (!Files.exists(d)) throw HttpError.of(404, "Requested path not found");
        if (!Files.isDirectory(d)) throw HttpError.of(400, "Requested path is not a directory");
        List<Map<String, Object>> out = new ArrayList<>();
        try (Stream<Path> s = Files.walk(d.toRealPath(), 32)) {
            for (Path f : s.skip(1).toList()) {
                if (!insideReal(f)) continue;
                Map<String, Object> m = new LinkedHashMap<>();
                m.put("name", f.getFileName().toString());
                m.put("path", base.relativize(f).toString().replace('\\', '/'));
                boolean dir = Files.isDirectory(f);
                m.put("type", dir ? "directory" : "file");
                if (!dir) {
                    m.put("size", Files.size(f));
                    m.put("modified", Files.getLastModifiedTime(f).toMillis() / 1000.0);
                }
                out.add(m);
            }
        }
        out.sort(Comparator.<Map<String, Object>, Boolean>comparing(m -> !"directory".equals(m.get("type")))
                .thenComparing(m -> m.get("name").toString().toLowerCase()));
        return out;
    }

    /** An existing regular file, or 404. */
    Path existing(String rel) throws IOException {
        Path p = resolve(rel);
        if (!Files.isRegularFile(p)) throw HttpError.of(404, "File not found");
        return p;
    }

    /** {@code POST /userdata/{file}}: writes atomically; 409 when it exists and {@code overwrite} is false. */
    Object write(String rel, byte[] body, boolean overwrite, boolean fullInfo) throws IOException {
        Path p = resolve(rel);
        if (Files.isDirectory(p)) throw HttpError.of(400, "a folder has that name");
        if (!overwrite && Files.exists(p)) throw HttpError.of(409, "File already exists");
        Files.createDirectories(p.getParent());
        if (!p.getParent().toRealPath().startsWith(root())) throw HttpError.of(403, "invalid path");
        Path tmp = Files.createTempFile(p.getParent(), ".userdata-", ".tmp");
        try {
            Files.write(tmp, body);
            Files.move(tmp, p, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
        } finally {
            Files.deleteIfExists(tmp);
        }
        return fullInfo ? info(p, root()) : relative(p);
    }

    void delete(String rel) throws IOException {
        Files.delete(existing(rel));
    }

    /** {@code POST /userdata/{file}/move/{dest}}. */
    Object move(String from, String to, boolean overwrite, boolean fullInfo) throws IOException {
        Path src = existing(from);
        Path dst = resolve(to);
        if (!overwrite && Files.exists(dst)) throw HttpError.of(409, "File already exists");
        if (Files.isDirectory(dst)) throw HttpError.of(400, "a folder has that name");
        Files.createDirectories(dst.getParent());
        if (!dst.getParent().toRealPath().startsWith(root())) throw HttpError.of(403, "invalid path");
        Files.move(src, dst, StandardCopyOption.REPLACE_EXISTING);
        return fullInfo ? info(dst, root()) : relative(dst);
    }

    // ---- settings ------------------------------------------------------------------------------------

    private Path settingsFile() throws IOException {
        return root().resolve("comfy.settings.json");
    }

    ObjectNode settings() throws IOException {
        synchronized (settingsLock) {
            Path f = settingsFile();
            if (!Files.isRegularFile(f)) return Json.MAPPER.createObjectNode();
            try {
                JsonNode n = Json.MAPPER.readTree(f.toFile());
                return n instanceof ObjectNode o ? o : Json.MAPPER.createObjectNode();
            } catch (IOException e) {
                return Json.MAPPER.createObjectNode();     // an unreadable file counts as no settings, as ComfyUI
            }
        }
    }

    /** Merges {@code values} into the settings file (written atomically). */
    void updateSettings(ObjectNode values) throws IOException {
        synchronized (settingsLock) {
            ObjectNode s = settings();
            s.setAll(values);
            Path f = settingsFile();
            Path tmp = Files.createTempFile(f.getParent(), ".settings-", ".tmp");
            try {
                Files.writeString(tmp, Json.MAPPER.writerWithDefaultPrettyPrinter().writeValueAsString(s));
                Files.move(tmp, f, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
            } finally {
                Files.deleteIfExists(tmp);
            }
        }
    }
}
