# Portier's image, built without any registry: `deploy/build-image.sh` stages a root file system
# (this machine's node binary and the libraries it links, openssl, the compiled dist/ and
# dashboard, the production node_modules) and builds this file with that staging folder as the
# context.
FROM scratch
# Settings first and the files last: the classic builder copies the whole file system for every
# instruction after a COPY, which takes minutes on the vfs storage driver.
ENV NODE_ENV=production PORTIER_LOG_LEVEL=info
WORKDIR /app
EXPOSE 80 8080
ENTRYPOINT ["/usr/bin/node", "/app/bin/portier.js"]
CMD ["--entryPoints.web.address=:80", "--entryPoints.traefik.address=:8080", "--api.insecure=true", "--ping=true"]
# A hash of the inputs: build-image.sh skips the build when the tag already carries it.
ARG PORTIER_CONTENT=
LABEL portier.content=$PORTIER_CONTENT
COPY rootfs/ /
