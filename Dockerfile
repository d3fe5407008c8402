# Portier's image, built without any registry: `deploy/build-image.sh` stages a root file system
# (this machine's node binary and the libraries it links, the compiled dist/, the production
# node_modules) and builds this file with that staging folder as the context.
FROM scratch
COPY rootfs/ /
WORKDIR /app
ENV NODE_ENV=production PORTIER_LOG_LEVEL=info
EXPOSE 80 8080
ENTRYPOINT ["/usr/bin/node", "/app/bin/portier.js"]
CMD ["--entryPoints.web.address=:80", "--entryPoints.traefik.address=:8080", "--api.insecure=true", "--ping=true"]
