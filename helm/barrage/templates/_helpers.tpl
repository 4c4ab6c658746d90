{{/* Chart name, truncated to the 63 characters a label value allows. */}}
{{- define "barrage.name" -}}
{{- default .Chart.Name .Values.nameOverride | trunc 63 | trimSuffix "-" }}
{{- end }}

{{/* Full name: the release name, or release-chart when the release name does not contain it. */}}
{{- define "barrage.fullname" -}}
{{- if .Values.fullnameOverride }}
{{- .Values.fullnameOverride | trunc 52 | trimSuffix "-" }}
{{- else }}
{{- $name := default .Chart.Name .Values.nameOverride }}
{{- if contains $name .Release.Name }}
{{- .Release.Name | trunc 52 | trimSuffix "-" }}
{{- else }}
{{- printf "%s-%s" .Release.Name $name | trunc 52 | trimSuffix "-" }}
{{- end }}
{{- end }}
{{- end }}

{{- define "barrage.chart" -}}
{{- printf "%s-%s" .Chart.Name .Chart.Version | replace "+" "_" | trunc 63 | trimSuffix "-" }}
{{- end }}

{{- define "barrage.labels" -}}
helm.sh/chart: {{ include "barrage.chart" . }}
app.kubernetes.io/name: {{ include "barrage.name" . }}
app.kubernetes.io/instance: {{ .Release.Name }}
app.kubernetes.io/version: {{ .Chart.AppVersion | quote }}
app.kubernetes.io/managed-by: {{ .Release.Service }}
app.kubernetes.io/part-of: barrage
{{- end }}

{{/* Selector labels of one component: call with (dict "ctx" $ "component" "worker"). */}}
{{- define "barrage.selectorLabels" -}}
app.kubernetes.io/name: {{ include "barrage.name" .ctx }}
app.kubernetes.io/instance: {{ .ctx.Release.Name }}
app.kubernetes.io/component: {{ .component }}
{{- end }}

{{- define "barrage.coordinatorName" -}}
{{- printf "%s-coordinator" (include "barrage.fullname" .) }}
{{- end }}

{{- define "barrage.workersName" -}}
{{- printf "%s-worker" (include "barrage.fullname" .) }}
{{- end }}

{{- define "barrage.resultsConfigMap" -}}
{{- printf "%s-results" (include "barrage.fullname" .) }}
{{- end }}

{{/* The coordinator's stable seed address: its headless Service's DNS name. */}}
{{- define "barrage.coordinatorHost" -}}
{{- printf "%s.%s.svc.%s" (include "barrage.coordinatorName" .) .Release.Namespace .Values.clusterDomain }}
{{- end }}

{{- define "barrage.serviceAccountName" -}}
{{- if .Values.serviceAccount.create }}
{{- default (include "barrage.fullname" .) .Values.serviceAccount.name }}
{{- else }}
{{- default "default" .Values.serviceAccount.name }}
{{- end }}
{{- end }}

{{- define "barrage.tokenSecretName" -}}
{{- default (printf "%s-api-token" (include "barrage.fullname" .)) .Values.auth.existingSecret }}
{{- end }}

{{- define "barrage.scenarioConfigMap" -}}
{{- default (printf "%s-scenario" (include "barrage.fullname" .)) .Values.scenario.existingConfigMap }}
{{- end }}

{{- define "barrage.hasScenario" -}}
{{- if or .Values.scenario.existingConfigMap .Values.scenario.inline }}true{{ end }}
{{- end }}

{{- define "barrage.image" -}}
{{- printf "%s:%s" .Values.image.repository (default .Chart.AppVersion .Values.image.tag) }}
{{- end }}

{{/* The container command: java with container-aware heap flags, then the jar. Role goes in args. */}}
{{- define "barrage.command" -}}
- java
{{- if .Values.jvm.heap }}
- -Xmx{{ .Values.jvm.heap }}
{{- else }}
- -XX:MaxRAMPercentage={{ .Values.jvm.maxRamPercentage }}
{{- end }}
- -XX:+ExitOnOutOfMemoryError
{{- range .Values.jvm.extraOpts }}
- {{ . | quote }}
{{- end }}
- -jar
- /app/barrage.jar
{{- end }}

{{/* Required node affinity that keeps a pod off GPU nodes (when placement.avoidGpuNodes). */}}
{{- define "barrage.offGpuNodeAffinity" -}}
{{- if .Values.placement.avoidGpuNodes }}
nodeAffinity:
  requiredDuringSchedulingIgnoredDuringExecution:
    nodeSelectorTerms:
      - matchExpressions:
          - key: {{ .Values.placement.gpuNodeLabel }}
            operator: NotIn
            values: ["true"]
{{- end }}
{{- end }}

{{/* Pod-level settings shared by every barrage pod. */}}
{{- define "barrage.podCommon" -}}
{{- with .Values.imagePullSecrets }}
imagePullSecrets:
  {{- toYaml . | nindent 2 }}
{{- end }}
securityContext:
  {{- toYaml .Values.podSecurityContext | nindent 2 }}
{{- end }}

{{/* The Secret with tls.key, tls.crt and ca.crt for the cluster port (mutual TLS). */}}
{{- define "barrage.clusterTlsSecretName" -}}
{{- default (printf "%s-cluster-tls" (include "barrage.fullname" .)) .Values.clusterTls.existingSecret }}
{{- end }}

{{/* Args, env, volume mount and volume that put a barrage node's cluster port on mutual TLS (or plain TCP when off). */}}
{{- define "barrage.clusterTlsArgs" -}}
{{- if not .Values.clusterTls.enabled }}
# clusterTls.enabled=false: anyone who reaches the cluster port can join and order the workers
- --insecure-cluster
{{- end }}
{{- end }}

{{- define "barrage.clusterTlsEnv" -}}
{{- if .Values.clusterTls.enabled }}
- name: BARRAGE_CLUSTER_TLS_DIR
  value: {{ .Values.clusterTls.mountPath }}
{{- end }}
{{- end }}

{{- define "barrage.clusterTlsMount" -}}
{{- if .Values.clusterTls.enabled }}
- name: cluster-tls
  mountPath: {{ .Values.clusterTls.mountPath }}
  readOnly: true
{{- end }}
{{- end }}

{{- define "barrage.clusterTlsVolume" -}}
{{- if .Values.clusterTls.enabled }}
# a Secret volume (no subPath): a rotated certificate reaches the running pod, which re-reads it
- name: cluster-tls
  secret:
    secretName: {{ include "barrage.clusterTlsSecretName" . }}
    # 0440: readable by the pod's group (fsGroup) only
    defaultMode: 288
{{- end }}
{{- end }}

{{/* BARRAGE_TARGET_SECRETS for the workers: NAME=host,host;... from targetSecrets. */}}
{{- define "barrage.targetSecrets" -}}
{{- range .Values.targetSecrets }}{{ .env }}={{ join "," .allowedHosts }};{{ end }}
{{- end }}

{{/* Whether the metrics token is on (metrics.enabled, or a ServiceMonitor that needs it). */}}
{{- define "barrage.metricsOn" -}}
{{- if or .Values.metrics.enabled .Values.metrics.serviceMonitor.enabled }}true{{ end }}
{{- end }}

{{- define "barrage.metricsSecretName" -}}
{{- default (printf "%s-metrics-token" (include "barrage.fullname" .)) .Values.metrics.existingSecret }}
{{- end }}

{{/* BARRAGE_METRICS_TOKEN from the metrics Secret, for the coordinator and the workers. */}}
{{- define "barrage.metricsTokenEnv" -}}
{{- if include "barrage.metricsOn" . }}
- name: BARRAGE_METRICS_TOKEN
  valueFrom:
    secretKeyRef:
      name: {{ include "barrage.metricsSecretName" . }}
      key: {{ .Values.metrics.existingSecretKey }}
{{- end }}
{{- end }}
