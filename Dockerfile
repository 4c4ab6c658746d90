# syntax=docker/dockerfile:1
# One image for every barrage role: the role is the first argument.
# Without Docker, Maven builds the same image with Jib (cli's -Pimage profile; scripts/check-image
# compares the two): mvn -B -pl cli -am -Pimage package -DskipTests -Dimage=REGISTRY/barrage:TAG
#   docker build -t barrage .
#   docker run --rm barrage simulate --profile tgi-fast --port 8080 --host 0.0.0.0
#   docker run --rm barrage worker --join coordinator:25520
# The Helm chart overrides the command to set the JVM flags from its values; the ENTRYPOINT below
# is the default for `docker run`.

FROM maven:3.9-eclipse-temurin-17 AS build
WORKDIR /src
COPY . .
RUN --mount=type=cache,target=/root/.m2 \
    mvn -B -q -pl cli -am package -DskipTests \
 && cp cli/target/barrage.jar /barrage.jar

FROM eclipse-temurin:17-jre
# a fixed numeric non-root user, so that Kubernetes' runAsNonRoot can verify it
RUN groupadd --system --gid 10001 barrage \
 && useradd --system --uid 10001 --gid barrage --no-create-home --home-dir /app --shell /usr/sbin/nologin barrage \
 && mkdir -p /app /data/results \
 && chown barrage:barrage /data/results
COPY --from=build --chown=root:root /barrage.jar /app/barrage.jar
COPY --chown=root:root cli/src/main/jib/data/results/README.txt /data/results/README.txt
USER 10001:10001
WORKDIR /app
# DJL unpacks the tokenizer's native library here (the user's home, /app, is not writable)
ENV DJL_CACHE_DIR=/tmp/djl
# 8080 coordinator HTTP / simulator, 25520 Pekko Artery, 8558 worker health
EXPOSE 8080 25520 8558
# Container-aware heap: a share of the cgroup memory limit, not of the node's memory; die on OOM so
# that Kubernetes restarts the pod instead of leaving a wedged JVM.
ENTRYPOINT ["java", "-XX:MaxRAMPercentage=75", "-XX:+ExitOnOutOfMemoryError", "-jar", "/app/barrage.jar"]
CMD ["--help"]
