metadata:
  labels:
    {{- toYaml .Values.labels | nindent 4 }}