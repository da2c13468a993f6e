package org.easel.server;

import io.vertx.core.MultiMap;
import io.vertx.core.buffer.Buffer;
import io.vertx.ext.web.FileUpload;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;
import io.vertx.ext.web.handler.BodyHandler;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.easel.engine.Json;
import org.easel.server.Replies.Reply;

/** {@code /view}, {@code /upload/image}, {@code /upload/mask}, {@code /models}: the HTTP side of {@link FileService}. */
final class FileRoutes {
    private final FileService files;
    private final Replies replies;

    FileRoutes(FileService files, Replies replies) {
        this.files = files;
        this.replies = replies;
    }

    void mount(Router r, String p, BodyHandler uploadBody) {
        r.get(p + "/view").handler(this::view);
        r.post(p + "/upload/image").handler(uploadBody).handler(ctx -> upload(ctx, false));
        r.post(p + "/upload/mask").handler(uploadBody).handler(ctx -> upload(ctx, true));
        r.get(p + "/models").handler(ctx -> replies.blocking(ctx, () -> Reply.json(files.modelFolders())));
        r.get(p + "/models/:folder").handler(this::getModels);
    }

    private void view(RoutingContext ctx) {
        MultiMap q = ctx.queryParams();
        replies.blocking(ctx, () -> {
            FileService.Payload p = files.view(q);
            Map<String, String> h = new LinkedHashMap<>();
            h.put("Content-Disposition", "inline; filename=\"" + p.name() + "\"");
            h.put("Content-Security-Policy", "default-src 'none'; sandbox");
            h.put("Cache-Control", "no-cache");
            return new Reply(200, p.contentType(), p.bytes() == null ? null : Buffer.buffer(p.bytes()), p.file(), h);
        });
    }

    private void upload(RoutingContext ctx, boolean mask) {
        FileUpload image = null;
        for (FileUpload f : ctx.fileUploads()) if ("image".equals(f.name())) image = f;
        if (image == null) {
            Replies.error(ctx, 400, "no 'image' file in the form");
            return;
        }
        FileUpload img = image;
        MultiMap form = ctx.request().formAttributes();
        replies.blocking(ctx, () -> {
            byte[] bytes = Files.readAllBytes(Path.of(img.uploadedFileName()));
            String ow = form.get("overwrite");
            boolean overwrite = ow != null && (ow.equalsIgnoreCase("true") || ow.equals("1"));
            String ref = null;
            if (mask) {
                ref = form.get("original_ref");
                if (ref == null) throw HttpError.of(400, "original_ref is required");
            }
            return Reply.json(200, Json.write(files.upload(bytes, img.fileName(), form.get("type"), form.get("subfolder"), overwrite, ref)));
        });
    }

    private void getModels(RoutingContext ctx) {
        String folder = ctx.pathParam("folder");
        replies.blocking(ctx, () -> {
            List<String> l = files.models(folder);
            if (l == null) throw HttpError.of(404, "unknown model folder: " + folder);
            return Reply.json(l);
        });
    }
}
