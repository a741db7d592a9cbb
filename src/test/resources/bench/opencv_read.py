"""Reads an HLS session URL with OpenCV's VideoCapture, as the Python reader did, and prints
'<frames> <fps>': frames read and frames per second of wall time from the first frame to the last."""
import sys
import time

import cv2

capture = cv2.VideoCapture(sys.argv[1], cv2.CAP_FFMPEG)
if not capture.isOpened():
    sys.exit("OpenCV could not open the session")
frames = 0
first = last = 0.0
while True:
    ok, frame = capture.read()
    if not ok:
        break
    last = time.perf_counter()
    if frames == 0:
        first = last
    frames += 1
capture.release()
print(frames, (frames - 1) / (last - first) if frames > 1 else 0.0)
