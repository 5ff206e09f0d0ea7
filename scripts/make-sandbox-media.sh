#!/bin/sh
# Regenerates the sample media the built-in sandbox vendor serves (resources/sandbox/).
# The files are committed; ffmpeg is needed only to remake them (Debian: apt-get install -y ffmpeg).
# Every file must stay under 300 KB: the clips are 2 s of soft animated gradients at a tiny bitrate,
# labelled so a user can tell demo output from a real result.
set -eu
OUT="$(cd "$(dirname "$0")/.." && pwd)/resources/sandbox"
FONT="${FONT:-/usr/share/fonts/truetype/dejavu/DejaVuSans-Bold.ttf}"
mkdir -p "$OUT"

label() { # text size
  echo "drawtext=fontfile=$FONT:text='$1':fontcolor=white@0.85:fontsize=$2:x=(w-text_w)/2:y=(h-text_h)/2:shadowcolor=black@0.5:shadowx=2:shadowy=2"
}

# clip NAME WIDTH HEIGHT SECONDS TEXT SEED
clip() {
  fs=$(( ($2 < $3 ? $2 : $3) / 14 ))
  ffmpeg -v error -y -f lavfi -i "gradients=s=$2x$3:d=$4:r=24:speed=0.02:n=3:seed=$6" \
    -vf "$(label "$5" "$fs"),format=yuv420p" \
    -c:v libx264 -preset veryslow -crf 38 -maxrate 600k -bufsize 600k -g 48 -movflags +faststart -an "$OUT/$1"
}

# image NAME WIDTH HEIGHT TEXT SEED
image() {
  fs=$(( ($2 < $3 ? $2 : $3) / 14 ))
  ffmpeg -v error -y -f lavfi -i "gradients=s=$2x$3:d=1:r=1:n=4:seed=$5" -frames:v 1 \
    -vf "$(label "$4" "$fs")" -q:v 6 "$OUT/$1"
}

for r in 960x960 1280x720 720x1280; do
  clip "hidream-video-$r.mp4" "${r%x*}" "${r#*x}" 2 "Sandbox video $r" 11
done
clip hidream-stylize.mp4 960 540 2 "Sandbox stylized" 23

for r in 1024x1024 832x1248 880x1168 768x1360 1248x832 1168x880 1360x768; do
  image "hidream-image-$r.jpg" "${r%x*}" "${r#*x}" "Sandbox image $r" 7
done

for a in 16x9:1280x720 9x16:720x1280 3x4:720x960 4x3:960x720 1x1:720x720; do
  ratio="${a%%:*}"; size="${a#*:}"
  clip "haiper-$ratio.mp4" "${size%x*}" "${size#*x}" 2 "Sandbox Haiper $(echo "$ratio" | sed "s|x|\\\\:|")" 31
done
clip haiper-upscale.mp4 1920 1080 2 "Sandbox upscaled" 41
clip haiper-extend.mp4 1280 720 4 "Sandbox extended" 53

# The source clip the stylize tests upload; short and small on purpose.
clip source-clip.mp4 640 360 1 "Source clip" 61

ls -l "$OUT"
