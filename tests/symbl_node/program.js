// Symbl's tutorial "Real Time AI insights From Zoom Call", section "Full Code Sample", as
// published at https://docs.symbl.ai/docs/telephony/tutorials/connect-to-zoom/ (source:
// github.com/symblai/symbl-docs, docs/telephony/tutorials/connect-to-zoom-with-telephony-api.md).
// Kept as the tutorial has it; test_tutorial.py fills in only the credentials, the phone
// number, the meeting ID and the passcode, as a reader of the tutorial would.
const {sdk, SpeakerEvent} = require("@symblai/symbl-js");
const appId = appId;
const appSecret = appSecret;
const phoneNumber = ""; // US Zoom Numbers are "+16465588656", or "+14086380968".
const meetingName = "Zoom Test Meeting";
const emailAddress = "user@example.com";

const ZOOM_MEETING_ID = "ZOOM_MEETING_ID";
const ZOOM_PARTICIPANT_ID = "";
const ZOOM_MEETING_PASSCODE = "";

let dtmfSequence = `${ZOOM_MEETING_ID}#`;

if (ZOOM_PARTICIPANT_ID) {
  dtmfSequence += `,,${ZOOM_PARTICIPANT_ID}#`;
} else {
  dtmfSequence += `,,#`;
}

if (ZOOM_MEETING_PASSCODE) {
  dtmfSequence += `,,${ZOOM_MEETING_PASSCODE}#`;
}

sdk.init({
  appId: appId,
  appSecret: appSecret,
  basePath: "https://api.symbl.ai",
}).then(async() => {
  console.log('SDK initialized.');
  try {

    sdk.startEndpoint({
      endpoint: {
        type: "pstn",
        phoneNumber: phoneNumber,
        dtmf: dtmfSequence,
      },
      actions: [
        {
          invokeOn: "stop",
          name: "sendSummaryEmail",
          parameters: {
            emails: [
              emailAddress
            ],
          },
        },
      ],
      data: {
        session: {
          name: meetingName,
        },
      },
    }).then((connection) => {
      const connectionId = connection.connectionId;
      console.log("Successfully connected.", connectionId);
      console.log('Conversation ID', connection.conversationId);
      console.log('Full Conection Object', connection);
      console.log("Calling into Zoom now, please wait about 30-60 seconds.");

      // Scheduling stop endpoint call after 60 seconds
      setTimeout(() => {
        sdk.stopEndpoint({
          connectionId: connection.connectionId
        }).then(() => {
          console.log('Stopped the connection with connectionID:', connectionId);
          console.log('Conversation ID for Stopped Connection:', connection.conversationId);
          console.log('Full Stop Conection Object:', connection);
        }).catch(err => console.error('Error while stopping the connection.', err));
      }, 60000);
    })
    .catch((err) => {
       console.error("Error while starting the connection", err);
    });
  } catch (e) {
    console.error(e);
  }
}).catch(err => console.error('Error in SDK initialization.', err));
