line1
line2 {{ .Values.x.y.z }}